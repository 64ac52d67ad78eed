import {
  isHsCode,
  type ControlledItem,
  type Instant,
  type Jurisdiction,
  type StreamType,
} from '@ledger/contracts';
import type { DecisionContext } from './commands';
import { DomainError } from './domain-error';

/** Checks shared by several deciders. Each throws a DomainError naming the offending field. */

const MAX_RATE = 1000;
/** Rates arrive as JSON numbers: 0.1 + 0.2 must count as 0.3, so compare hundredths with a tolerance. */
const HUNDREDTHS_TOLERANCE = 1e-6;
const ALL = '*';
/** HS chapter, heading, subheading, or a national tariff line of 8–10 digits. */

export function requireText(value: string, field: string): void {
  if (value.trim() === '') throw new DomainError('text-empty', `${field} must not be empty`, field);
}

/** An ad valorem rate in percentage points, 0–1000 with at most two decimals; returns it rounded to those. */
export function checkRate(rate: number, field = 'rate'): number {
  if (!Number.isFinite(rate) || rate < 0 || rate > MAX_RATE) {
    throw new DomainError(
      'rate-out-of-range',
      `${field} must be between 0 and ${MAX_RATE}, got ${rate}`,
      field,
    );
  }
  const hundredths = rate * 100;
  if (Math.abs(hundredths - Math.round(hundredths)) > HUNDREDTHS_TOLERANCE) {
    throw new DomainError('rate-too-precise', `${field} may have at most 2 decimals, got ${rate}`, field);
  }
  return Math.round(hundredths) / 100;
}

export function isBefore(instant: Instant, other: Instant): boolean {
  return Date.parse(instant) < Date.parse(other);
}

/** Half-open validity [validFrom, validTo): an end must come strictly after the start. */
export function checkValidity(
  validFrom: Instant,
  validTo: Instant | null | undefined,
  field = 'validTo',
): void {
  if (validTo != null && !isBefore(validFrom, validTo)) {
    throw new DomainError('validity-inverted', `${field} (${validTo}) must be after ${validFrom}`, field);
  }
}

/**
 * A rate change or an item amendment cannot take effect before the measure does: it would change
 * what never applied. Suspensions and lifts may.
 */
export function checkNotBeforeStart(
  validFrom: Instant,
  measureValidFrom: Instant,
  field = 'validFrom',
): void {
  if (isBefore(validFrom, measureValidFrom)) {
    throw new DomainError(
      'before-measure-start',
      `${field} (${validFrom}) is before the measure takes effect (${measureValidFrom})`,
      field,
    );
  }
}

/**
 * Who a measure reaches: a non-empty list without duplicates, either `*` alone or named
 * jurisdictions, never the imposer itself. Exclusions are allowed only with `*`: with named
 * targets the way to leave one out is not to name it.
 */
export function checkReach(
  imposer: Jurisdiction,
  reached: readonly Jurisdiction[],
  excluded: readonly Jurisdiction[] | undefined,
  fields: { readonly reached: string; readonly excluded: string },
): void {
  if (reached.length === 0) {
    throw new DomainError(
      'jurisdictions-empty',
      `${fields.reached} must name at least one jurisdiction`,
      fields.reached,
    );
  }
  checkDistinctJurisdictions(reached, fields.reached);
  if (reached.includes(ALL) && reached.length > 1) {
    throw new DomainError(
      'wildcard-misplaced',
      `${fields.reached} is either '*' alone or named jurisdictions`,
      fields.reached,
    );
  }
  if (reached.includes(imposer)) {
    throw new DomainError(
      'imposer-targets-itself',
      `${imposer} cannot be among its own ${fields.reached}`,
      fields.reached,
    );
  }
  if (excluded === undefined || excluded.length === 0) return;
  if (!reached.includes(ALL)) {
    throw new DomainError(
      'exclusions-without-wildcard',
      `${fields.excluded} is only meaningful when ${fields.reached} is '*'`,
      fields.excluded,
    );
  }
  checkDistinctJurisdictions(excluded, fields.excluded);
  if (excluded.includes(ALL)) {
    throw new DomainError('wildcard-misplaced', `${fields.excluded} cannot exclude '*'`, fields.excluded);
  }
}

export function checkDistinctJurisdictions(jurisdictions: readonly Jurisdiction[], field: string): void {
  const duplicate = jurisdictions.find((j, index) => jurisdictions.indexOf(j) !== index);
  if (duplicate !== undefined) {
    throw new DomainError('jurisdictions-duplicated', `${field} names ${duplicate} twice`, field);
  }
}

export function checkHsCode(code: string, field: string): void {
  if (!isHsCode(code)) {
    throw new DomainError(
      'hs-code-malformed',
      `${field} must be an HS code of 2, 4, 6, 8 or 10 digits (chapter 01–97), got '${code}'`,
      field,
    );
  }
}

/** Items named by element, control code and/or HS code, each described, none listed twice. */
export function checkItems(
  items: readonly ControlledItem[],
  field: string,
  { allowEmpty = false } = {},
): void {
  if (items.length === 0 && !allowEmpty) {
    throw new DomainError('items-empty', `${field} must name at least one item`, field);
  }
  items.forEach((item, index) => {
    const at = `${field}.${index}`;
    if (item.element === undefined && item.controlCode === undefined && item.hsCode === undefined) {
      throw new DomainError('item-unidentified', `${at} needs an element, a control code or an HS code`, at);
    }
    if (item.hsCode !== undefined) checkHsCode(item.hsCode, `${at}.hsCode`);
    requireText(item.description, `${at}.description`);
    if (items.findIndex((other) => sameItem(other, item)) !== index) {
      throw new DomainError('items-duplicated', `${at} repeats an item listed before it`, at);
    }
  });
}

/** The same item: identical element, control code and HS code (the description is prose). */
export function sameItem(a: ControlledItem, b: ControlledItem): boolean {
  return a.element === b.element && a.controlCode === b.controlCode && a.hsCode === b.hsCode;
}

/**
 * Whether a removal reaches an item: every identifier the removal names matches, so
 * `{ element: 'Dy' }` removes every dysprosium item and `{ controlCode: '1C902.a' }` just that one.
 */
export function removalMatches(removal: ControlledItem, item: ControlledItem): boolean {
  return (
    (removal.element === undefined || removal.element === item.element) &&
    (removal.controlCode === undefined || removal.controlCode === item.controlCode) &&
    (removal.hsCode === undefined || removal.hsCode === item.hsCode)
  );
}

/** A command that names another stream needs it to exist and to be of a fitting type. */
export function checkReference(
  streamId: string,
  allowed: readonly StreamType[],
  context: DecisionContext,
  field: string,
): void {
  const streamType = context.streamTypeOf(streamId);
  if (streamType === undefined) {
    throw new DomainError(
      'referenced-stream-missing',
      `${field} names '${streamId}', which does not exist`,
      field,
    );
  }
  if (!allowed.includes(streamType)) {
    throw new DomainError(
      'referenced-stream-wrong-type',
      `${field} names '${streamId}', a ${streamType}; expected ${allowed.join(' or ')}`,
      field,
    );
  }
}
