import { basicPassword } from './api-key.guard';

const basic = (credentials: string) => ({
  headers: { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` },
});

describe('basicPassword', () => {
  it('takes the API key from the password, whatever the user name', () => {
    expect(basicPassword(basic('reader:tpl_key-abc'))).toBe('tpl_key-abc');
    expect(basicPassword(basic(':tpl_key-abc'))).toBe('tpl_key-abc');
    expect(basicPassword(basic('any one:pass:with:colons'))).toBe('pass:with:colons');
  });

  it('finds nothing in a missing, malformed or empty header, or a password a key cannot be', () => {
    expect(basicPassword({ headers: {} })).toBeUndefined();
    expect(basicPassword({ headers: { authorization: 'Bearer tpl_key-abc' } })).toBeUndefined();
    expect(basicPassword({ headers: { authorization: 'Basic not base64!' } })).toBeUndefined();
    expect(basicPassword(basic('no-colon'))).toBeUndefined();
    expect(basicPassword(basic('reader:'))).toBeUndefined();
    expect(basicPassword(basic('reader:with space'))).toBeUndefined();
    expect(basicPassword(basic(`reader:${'k'.repeat(513)}`))).toBeUndefined();
  });
});
