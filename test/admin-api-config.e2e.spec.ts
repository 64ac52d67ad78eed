import { AppProcess, ensureBuilt } from './support/app-process';

describe('the admin API refuses to start on a bad read-your-writes wait', () => {
  beforeAll(async () => {
    await ensureBuilt();
  });

  it.each([
    ['soon', 'CONSISTENCY_WAIT_MS must be an integer'],
    ['-1', 'CONSISTENCY_WAIT_MS must not be less than 0'],
    ['300001', 'CONSISTENCY_WAIT_MS must not be greater than 300000'],
  ])('CONSISTENCY_WAIT_MS=%s: exits 1 naming the problem', async (value, problem) => {
    // A database that does not exist: should the value pass, the start fails on something else.
    const api = AppProcess.start('admin-api', {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/ledger_absent_for_config_test',
      CONSISTENCY_WAIT_MS: value,
    });
    expect(await api.exited).toEqual({ code: 1, signal: null });
    expect(api.output()).toContain(problem);
  });
});
