import { roleUrl } from './infrastructure';

describe('roleUrl', () => {
  const saved = process.env.LEDGER_DB_RELAY_PASSWORD;

  afterEach(() => {
    if (saved === undefined) delete process.env.LEDGER_DB_RELAY_PASSWORD;
    else process.env.LEDGER_DB_RELAY_PASSWORD = saved;
  });

  it('connects as the role to the same server and database, without the given password', () => {
    delete process.env.LEDGER_DB_RELAY_PASSWORD;
    expect(
      roleUrl('postgres://postgres:secret@db.example:6543/ledger_t_1?sslmode=require', 'ledger_relay'),
    ).toBe('postgres://ledger_relay@db.example:6543/ledger_t_1?sslmode=require');
  });

  it("takes the role's own password from the environment, encoded for a URL", () => {
    process.env.LEDGER_DB_RELAY_PASSWORD = 'p@ss/word:1';
    const url = new URL(roleUrl('postgres://postgres@127.0.0.1:5432/ledger', 'ledger_relay'));
    expect([url.username, decodeURIComponent(url.password), url.pathname]).toEqual([
      'ledger_relay',
      'p@ss/word:1',
      '/ledger',
    ]);
  });
});
