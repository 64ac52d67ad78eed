/** How the HTTP edge answers a broken rule: invalid → 400, conflict → 409, not-found → 404. */
export type DomainErrorKind = 'invalid' | 'conflict' | 'not-found';

/**
 * Every rule the deciders enforce, with its kind. Codes are stable: clients branch on them,
 * so rename one only as a deliberate contract change.
 */
export const DOMAIN_ERROR_KINDS = {
  // the stream a command addresses
  'stream-exists': 'conflict',
  'stream-not-found': 'not-found',
  'wrong-stream-type': 'conflict',
  'stream-retracted': 'conflict',
  // input that is wrong whatever the ledger holds
  'text-empty': 'invalid',
  'rate-out-of-range': 'invalid',
  'rate-too-precise': 'invalid',
  'validity-inverted': 'invalid',
  'before-measure-start': 'invalid',
  'jurisdictions-empty': 'invalid',
  'jurisdictions-duplicated': 'invalid',
  'wildcard-misplaced': 'invalid',
  'exclusions-without-wildcard': 'invalid',
  'imposer-targets-itself': 'invalid',
  'products-empty': 'invalid',
  'hs-code-malformed': 'invalid',
  'items-empty': 'invalid',
  'items-duplicated': 'invalid',
  'item-unidentified': 'invalid',
  'amendment-empty': 'invalid',
  'codes-duplicated': 'invalid',
  'count-invalid': 'invalid',
  'reported-before-period': 'invalid',
  'quantity-invalid': 'invalid',
  'decided-before-applied': 'invalid',
  'parties-too-few': 'invalid',
  'points-not-positive': 'invalid',
  'stacking-programs-overlap': 'invalid',
  'referenced-stream-missing': 'invalid',
  'referenced-stream-wrong-type': 'invalid',
  'references-duplicated': 'invalid',
  'aliases-duplicated': 'invalid',
  'name-unscreenable': 'invalid',
  // business rules that depend on what the stream already holds
  'measure-lifted': 'conflict',
  'measure-withdrawn': 'conflict',
  'measure-imposed': 'conflict',
  'measure-not-imposed': 'conflict',
  'postponement-not-later': 'conflict',
  'points-exceed-rate': 'conflict',
  'stacking-own-program': 'conflict',
  'item-not-controlled': 'conflict',
  'item-already-controlled': 'conflict',
  'amendment-empties-control': 'conflict',
  'products-all-scope': 'conflict',
  'product-not-covered': 'conflict',
  'product-already-covered': 'conflict',
  'product-not-excluded': 'conflict',
  'product-already-excluded': 'conflict',
  'amendment-empties-measure': 'conflict',
  'licence-not-pending': 'conflict',
  'licence-not-approved': 'conflict',
  'party-already-listed': 'conflict',
  'party-not-listed': 'conflict',
  'listing-before-delisting': 'conflict',
  'delisting-not-after-listing': 'conflict',
  'retracted-event-unknown': 'conflict',
  'event-already-retracted': 'conflict',
  'retraction-not-retractable': 'conflict',
} as const satisfies Record<string, DomainErrorKind>;

export type DomainErrorCode = keyof typeof DOMAIN_ERROR_KINDS;

/** A broken domain rule; `field` (a path into the command's data, e.g. `items.2.hsCode`) only for invalid input. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  readonly kind: DomainErrorKind;

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.kind = DOMAIN_ERROR_KINDS[code];
  }
}
