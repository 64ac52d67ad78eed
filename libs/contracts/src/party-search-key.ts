import { transliterate } from 'transliteration';

/**
 * Words that say what form a company takes rather than who it is: left out of search keys so
 * that "Huawei Technologies Co., Ltd." and "HUAWEI TECHNOLOGIES" are the same name, and a query
 * such as "Co Ltd" does not match every company.
 */
const LEGAL_FORMS = new Set([
  'ag',
  'co',
  'company',
  'corp',
  'corporation',
  'gmbh',
  'inc',
  'incorporated',
  'jsc',
  'limited',
  'llc',
  'ltd',
  'ooo',
  'pjsc',
  'plc',
  'sa',
]);

/**
 * The form of a name that trigram matching compares: transliterated to ASCII (accents dropped,
 * other scripts romanised: "Müller" → "Muller", "华为" → "Hua Wei"), lower case, German umlaut
 * spellings folded ("mueller" → "muller", so both spellings meet), punctuation as spaces, legal
 * forms left out. Stored with every listed name, and applied to the query's name before matching:
 * a change here needs the read models rebuilt.
 */
export function partySearchKey(name: string): string {
  const words = transliterate(name)
    .toLowerCase()
    .replace(/([aou])e/g, '$1')
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '' && !LEGAL_FORMS.has(word));
  return words.join(' ');
}
