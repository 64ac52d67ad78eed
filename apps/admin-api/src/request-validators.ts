import { Matches, ValidateBy, type ValidationOptions } from 'class-validator';
import { STREAM_ID, isElementSymbol, isHeading, isHsCode, isJurisdiction } from '@ledger/contracts';

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/i;

/**
 * RFC 3339 date-time with an explicit offset, a real calendar date (no 30 February), and an
 * instant whose UTC form still has a four-digit year (9999-12-31T23:00:00-23:59 is in 10000).
 */
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
    offsetOk &&
    new Date(value).getUTCFullYear() <= 9999
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

export function IsJurisdiction({ allowAll }: { allowAll: boolean }, options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isJurisdiction',
      validator: {
        validate: (value) => isJurisdiction(value, { allowAll }),
        defaultMessage: (args) =>
          `${args?.property} must be an ISO 3166-1 alpha-2 code (e.g. US, CN, HK) or EU${allowAll ? ', or * for all' : ''}`,
      },
    },
    options,
  );
}

export function IsHsCode(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isHsCode',
      validator: {
        validate: isHsCode,
        defaultMessage: (args) =>
          [args?.value].flat().some((code) => typeof code === 'string' && /^(98|99)\d*$/.test(code))
            ? `${args?.property} must be HS codes of goods (chapters 01–97): chapters 98 and 99 hold a tariff's special headings (e.g. 9903.01.24), which a rate names as its heading, not as a product`
            : `${args?.property} must be an HS code written as 2, 4, 6, 8 or 10 digits (e.g. 850511), chapter 01–97`,
      },
    },
    options,
  );
}

/** A chapter 98/99 heading, checked after `NormaliseHeading` has put in its dots. */
export function IsHeading(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isHeading',
      validator: {
        validate: isHeading,
        defaultMessage: (args) =>
          `${args?.property} must be a chapter 98 or 99 heading of the imposer's tariff, four digits then one to three pairs, with or without dots (e.g. 9903.01.24 or 99030124), or null`,
      },
    },
    options,
  );
}

export function IsElementSymbol(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isElementSymbol',
      validator: {
        validate: isElementSymbol,
        defaultMessage: (args) => `${args?.property} must be a periodic-table symbol such as Dy or Sm`,
      },
    },
    options,
  );
}

export const SLUG = STREAM_ID;
export const SLUG_MESSAGE = 'must be a slug: 3–100 of a-z, 0-9 and -, starting with a letter or digit';

/** A program (legal-basis) id: upper-case letters, digits and dashes, e.g. US-IEEPA-RECIPROCAL. */
export function IsProgramId(options: ValidationOptions = {}) {
  return Matches(/^[A-Z0-9][A-Z0-9-]{1,79}$/, {
    ...options,
    message: `$property must be ${options.each ? 'upper-case legal-basis ids' : 'an upper-case legal-basis id'} such as US-IEEPA-RECIPROCAL`,
  });
}
