import { isHeading, isHsCode, nomenclatureOf, normaliseHeading } from './identifiers';

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

describe('headings and products', () => {
  it.each([
    ['99030124', '9903.01.24'],
    ['9903012410', '9903.01.24.10'],
    ['980200', '9802.00'],
    ['9903.01.25', '9903.01.25'],
    ['850511', '850511'],
    ['9903012', '9903012'],
  ])('writes the heading %s as %s', (given, stored) => {
    expect(normaliseHeading(given)).toBe(stored);
  });

  it('tells chapter 98/99 headings from products: each is refused as the other', () => {
    expect(isHeading('9903.01.24')).toBe(true);
    expect(isHsCode('99030124')).toBe(false);
    expect(isHsCode('9903')).toBe(false);
    expect(isHeading('8505.11')).toBe(false);
    expect(isHsCode('850511')).toBe(true);
  });
});
