import { getAlpha2Codes } from 'i18n-iso-countries';
import { ELEMENT_SYMBOLS } from './elements';

/**
 * The identifiers of docs/architecture.md §7, defined once: the JSON Schemas, the domain rules and
 * the API's request validation all ask these.
 */

/** ISO 3166-1 alpha-2 as the maintained library knows it, plus the EU. */
const COUNTRIES_AND_EU: ReadonlySet<string> = new Set([...Object.keys(getAlpha2Codes()), 'EU']);

/** A jurisdiction code; `*` ("all partners" / "all destinations") only where `allowAll`. */
export function isJurisdiction(value: unknown, { allowAll }: { allowAll: boolean }): boolean {
  if (typeof value !== 'string') return false;
  return value === '*' ? allowAll : COUNTRIES_AND_EU.has(value);
}

/** Digits only: 2, 4 or 6 (HS 2022), national lines 8 or 10. */
export const HS_CODE_PATTERN = '^(\\d{2}|\\d{4}|\\d{6}|\\d{8}|\\d{10})$';
const HS_CODE = new RegExp(HS_CODE_PATTERN);

/** An HS code of a real chapter: 01–97, 77 being reserved. */
export function isHsCode(value: unknown): boolean {
  if (typeof value !== 'string' || !HS_CODE.test(value)) return false;
  const chapter = Number(value.slice(0, 2));
  return chapter >= 1 && chapter <= 97 && chapter !== 77;
}

/**
 * A heading of chapter 98 or 99 of the imposer's tariff, where national nomenclatures put their
 * special provisions and temporary duties (US HTS `9903.01.24`): four digits, then one to three
 * pairs, separated by dots. Never a product: chapters 98 and 99 classify no goods.
 */
export const HEADING_PATTERN = '^(98|99)\\d{2}(\\.\\d{2}){1,3}$';
const HEADING = new RegExp(HEADING_PATTERN);

export function isHeading(value: unknown): boolean {
  return typeof value === 'string' && HEADING.test(value);
}

/** A heading written as digits only (`99030124`) in its dotted form (`9903.01.24`); others as given. */
export function normaliseHeading(value: string): string {
  if (!/^(98|99)\d{2}(\d{2}){1,3}$/.test(value)) return value;
  return `${value.slice(0, 4)}${value.slice(4).replace(/\d{2}/g, '.$&')}`;
}

/**
 * The nomenclature a product code belongs to, derived from its length and the imposer: 2, 4 and 6
 * digits are the Harmonized System (`HS`), shared by every customs territory; 8 and 10 digits are
 * national tariff lines of the imposer's own schedule: `US-HTS` (the Harmonized Tariff Schedule of
 * the United States), `CN` (China's customs tariff), otherwise `<imposer>-national`.
 */
export function nomenclatureOf(code: string, imposer: string): string {
  if (code.length <= 6) return 'HS';
  if (imposer === 'US') return 'US-HTS';
  if (imposer === 'CN') return 'CN';
  return `${imposer}-national`;
}

const ELEMENTS: ReadonlySet<string> = new Set(ELEMENT_SYMBOLS);

export function isElementSymbol(value: unknown): boolean {
  return typeof value === 'string' && ELEMENTS.has(value);
}

/** Stream (measure) ids. */
export const STREAM_ID_PATTERN = '^[a-z0-9][a-z0-9-]{2,99}$';
export const STREAM_ID = new RegExp(STREAM_ID_PATTERN);
