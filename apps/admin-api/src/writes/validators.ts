import { isValid as isCountryCode } from 'i18n-iso-countries';
import { ValidateBy, type ValidationOptions } from 'class-validator';
import { ELEMENT_SYMBOLS } from '@ledger/contracts';

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/i;

/** RFC 3339 date-time with an explicit offset, and a real calendar date (no 30 February). */
export function isInstant(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = INSTANT.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  const offsetOk = match[8].toUpperCase() === 'Z' || (Number(match[9]) < 24 && Number(match[10]) < 60);
  return (
    year >= 1900 &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60 &&
    offsetOk
  );
}

/** Stored form of an instant: UTC, millisecond precision. */
export function normaliseInstant(value: string): string {
  return new Date(value).toISOString();
}

export function IsInstant(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isInstant',
      validator: {
        validate: isInstant,
        defaultMessage: (args) =>
          `${args?.property} must be an RFC 3339 instant with an offset, e.g. 2025-04-09T04:01:00Z`,
      },
    },
    options,
  );
}

/** ISO 3166-1 alpha-2 (checked against i18n-iso-countries), plus `EU`; `*` where allowed. */
export function isJurisdiction(value: unknown, allowAll: boolean): boolean {
  if (typeof value !== 'string') return false;
  if (value === '*') return allowAll;
  return /^[A-Z]{2}$/.test(value) && (value === 'EU' || isCountryCode(value));
}

export function IsJurisdiction({ allowAll }: { allowAll: boolean }, options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isJurisdiction',
      validator: {
        validate: (value) => isJurisdiction(value, allowAll),
        defaultMessage: (args) =>
          `${args?.property} must be an ISO 3166-1 alpha-2 code (e.g. US, CN, HK) or EU${allowAll ? ', or * for all' : ''}`,
      },
    },
    options,
  );
}

/** HS code, digits only: 2, 4 or 6 digits, national lines 8 or 10; chapters 01–97 (77 is reserved). */
export function isHsCode(value: unknown): boolean {
  if (typeof value !== 'string' || !/^(\d{2}|\d{4}|\d{6}|\d{8}|\d{10})$/.test(value)) return false;
  const chapter = Number(value.slice(0, 2));
  return chapter >= 1 && chapter <= 97 && chapter !== 77;
}

export function IsHsCode(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isHsCode',
      validator: {
        validate: isHsCode,
        defaultMessage: (args) =>
          `${args?.property} must be an HS code written as 2, 4, 6, 8 or 10 digits (e.g. 850511), chapter 01–97`,
      },
    },
    options,
  );
}

const ELEMENTS = new Set<string>(ELEMENT_SYMBOLS);

export function IsElementSymbol(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isElementSymbol',
      validator: {
        validate: (value) => typeof value === 'string' && ELEMENTS.has(value),
        defaultMessage: (args) => `${args?.property} must be a periodic-table symbol such as Dy or Sm`,
      },
    },
    options,
  );
}

export const SLUG = /^[a-z0-9][a-z0-9-]{2,99}$/;
export const SLUG_MESSAGE = 'must be a slug: 3–100 of a-z, 0-9 and -, starting with a letter or digit';
