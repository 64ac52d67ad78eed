import { nomenclatureOf } from './identifiers';

describe('nomenclatureOf', () => {
  it.each([
    ['84', 'US', 'HS'],
    ['8471', 'CN', 'HS'],
    ['847130', 'EU', 'HS'],
    ['84713001', 'US', 'US-HTS'],
    ['8471300100', 'US', 'US-HTS'],
    ['84713000', 'CN', 'CN'],
    ['8471300000', 'CN', 'CN'],
    ['84713000', 'EU', 'EU-national'],
    ['8471300100', 'MY', 'MY-national'],
  ])('puts %s of imposer %s in %s', (code, imposer, nomenclature) => {
    expect(nomenclatureOf(code, imposer)).toBe(nomenclature);
  });
});
