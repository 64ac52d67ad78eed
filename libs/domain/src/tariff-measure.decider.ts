import {
  type Instant,
  type Jurisdiction,
  type PolicyEvent,
  type ProductScope,
  type TariffImposed,
  type TariffProductsAmended,
  unhandledEventType,
} from '@ledger/contracts';
import type { TariffMeasureCommand } from './commands';
import { DomainError, type DomainErrorCode } from './domain-error';
import { streamEventGuard, type StreamEvent } from './event-guard';
import { checkHsCode, checkNotBeforeStart, checkRate, checkReach, checkValidity, requireText } from './rules';

/** A tariff measure as its standing events describe it, in recorded order (valid time is the views' job). */
export interface TariffMeasure {
  readonly imposer: Jurisdiction;
  readonly targets: readonly Jurisdiction[];
  readonly program: string;
  /** The rate of the last recorded imposition or rate change. */
  readonly rate: number;
  readonly validFrom: Instant;
  readonly validTo: Instant | null;
  /** Set once the measure is lifted: from then on it takes no further changes. */
  readonly liftedFrom: Instant | null;
  /** The products after every recorded amendment, whatever its validFrom. */
  readonly products: Coverage;
}

/** What a measure covers: every product (`all`) or its listed codes, less its exclusions. */
export interface Coverage {
  readonly scope: ProductScope['scope'];
  readonly codes: readonly string[];
  readonly excluded: readonly string[];
}

type TariffMeasureEvent = StreamEvent<'tariff-measure'>;
export const isTariffMeasureEvent = streamEventGuard('tariff-measure');

export function evolveTariffMeasure(
  measure: TariffMeasure | null,
  event: TariffMeasureEvent,
): TariffMeasure | null {
  if (event.type === 'TariffImposed') {
    const { imposer, targets, program, rate, validFrom, validTo, products } = event.data;
    return {
      imposer,
      targets,
      program,
      rate,
      validFrom,
      validTo: validTo ?? null,
      liftedFrom: null,
      products: {
        scope: products.scope,
        codes: products.scope === 'codes' ? products.codes : [],
        excluded: products.scope === 'all' ? (products.excludedCodes ?? []) : [],
      },
    };
  }
  // Changes whose imposition was retracted describe nothing.
  if (measure === null) return null;
  switch (event.type) {
    case 'TariffRateChanged':
      return { ...measure, rate: event.data.rate };
    case 'TariffSuspended':
      return measure;
    case 'TariffLifted':
      return { ...measure, liftedFrom: event.data.validFrom };
    case 'TariffValidityChanged':
      return { ...measure, validTo: event.data.validTo };
    case 'TariffProductsAmended':
      return { ...measure, products: amendedCoverage(measure.products, event.data) };
    default:
      return unhandledEventType(event);
  }
}

export function imposeTariff(data: TariffImposed): PolicyEvent {
  requireText(data.title, 'title');
  requireText(data.program, 'program');
  requireText(data.legalInstrument, 'legalInstrument');
  checkReach(data.imposer, data.targets, data.excludedTargets, {
    reached: 'targets',
    excluded: 'excludedTargets',
  });
  checkProducts(data.products);
  const rate = checkRate(data.rate);
  checkValidity(data.validFrom, data.validTo);
  return { type: 'TariffImposed', data: { ...data, rate } };
}

export function changeTariffMeasure(
  command: Exclude<TariffMeasureCommand, { type: 'ImposeTariff' }>,
  measure: TariffMeasure,
): PolicyEvent {
  if (measure.liftedFrom !== null) {
    throw new DomainError(
      'measure-lifted',
      `The measure was lifted from ${measure.liftedFrom}; a lifted measure takes no further changes`,
    );
  }
  switch (command.type) {
    case 'ChangeTariffRate': {
      const { data } = command;
      checkNotBeforeStart(data.validFrom, measure.validFrom);
      const rate = checkRate(data.rate);
      checkValidity(data.validFrom, data.validTo);
      return { type: 'TariffRateChanged', data: { ...data, rate } };
    }
    // A suspension or a lift may take effect before the measure does: a suspension then covers it
    // from its start, a lift means it never applies.
    case 'SuspendTariff':
      checkValidity(command.data.validFrom, command.data.validTo);
      return { type: 'TariffSuspended', data: command.data };
    case 'LiftTariff':
      return { type: 'TariffLifted', data: command.data };
    case 'ChangeTariffValidity':
      checkValidity(measure.validFrom, command.data.validTo);
      return { type: 'TariffValidityChanged', data: command.data };
    // Coverage may change from before the measure starts (an exclusion backdated to the start of
    // the program): it then shapes the measure from its start.
    case 'AmendTariffProducts':
      checkProductAmendment(command.data, measure.products);
      return { type: 'TariffProductsAmended', data: command.data };
  }
}

/** Removals before additions, re-inclusions before exclusions, as the views apply them. */
function amendedCoverage(coverage: Coverage, amendment: TariffProductsAmended): Coverage {
  const removed = new Set(amendment.remove ?? []);
  const reincluded = new Set(amendment.reinclude ?? []);
  const excluded = (amendment.exclude ?? []).map((exclusion) => exclusion.code);
  return {
    scope: coverage.scope,
    codes: [...coverage.codes.filter((code) => !removed.has(code)), ...(amendment.add ?? [])],
    excluded: [...coverage.excluded.filter((code) => !reincluded.has(code)), ...excluded],
  };
}

function overlaps(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

/**
 * An amendment names valid, distinct codes; it changes the listed codes of a `codes` measure
 * only; it removes and re-includes only what is listed or excluded now, adds nothing already
 * listed, excludes nothing already excluded nor outside what the measure covers, and leaves a
 * `codes` measure some code (lifting is how a measure ends).
 */
function checkProductAmendment(amendment: TariffProductsAmended, coverage: Coverage): void {
  const add = amendment.add ?? [];
  const remove = amendment.remove ?? [];
  const exclude = (amendment.exclude ?? []).map((exclusion) => exclusion.code);
  const reinclude = amendment.reinclude ?? [];
  if (add.length + remove.length + exclude.length + reinclude.length === 0) {
    throw new DomainError(
      'amendment-empty',
      'An amendment must add, remove, exclude or re-include at least one code',
      'exclude',
    );
  }
  const lists = { add, remove, exclude, reinclude };
  for (const [field, codes] of Object.entries(lists)) {
    codes.forEach((code, index) => {
      checkHsCode(code, field === 'exclude' ? `exclude.${index}.code` : `${field}.${index}`);
      if (codes.indexOf(code) !== index) {
        throw new DomainError('codes-duplicated', `${field} names ${code} twice`, field);
      }
    });
  }
  amendment.exclude?.forEach((exclusion, index) => {
    if (exclusion.list !== undefined) requireText(exclusion.list, `exclude.${index}.list`);
    if (exclusion.description !== undefined)
      requireText(exclusion.description, `exclude.${index}.description`);
  });
  if (coverage.scope === 'all' && add.length + remove.length > 0) {
    throw new DomainError(
      'products-all-scope',
      'The measure covers all products: an amendment can only exclude or re-include codes',
    );
  }
  const conflict = (code: DomainErrorCode, message: string): never => {
    throw new DomainError(code, message);
  };
  remove.forEach((code, index) => {
    if (!coverage.codes.includes(code)) {
      conflict('product-not-covered', `remove.${index} (${code}) is not a code the measure lists`);
    }
  });
  const codes = coverage.codes.filter((code) => !remove.includes(code));
  add.forEach((code, index) => {
    if (codes.includes(code)) {
      conflict('product-already-covered', `add.${index} (${code}) is already a code the measure lists`);
    }
  });
  codes.push(...add);
  if (coverage.scope === 'codes' && codes.length === 0) {
    conflict(
      'amendment-empties-measure',
      'The amendment would leave the measure without codes; lift it instead',
    );
  }
  reinclude.forEach((code, index) => {
    if (!coverage.excluded.includes(code)) {
      conflict('product-not-excluded', `reinclude.${index} (${code}) is not excluded from the measure`);
    }
  });
  const excluded = coverage.excluded.filter((code) => !reinclude.includes(code));
  exclude.forEach((code, index) => {
    if (excluded.includes(code)) {
      conflict('product-already-excluded', `exclude.${index}.code (${code}) is already excluded`);
    }
    if (coverage.scope === 'codes' && !codes.some((listed) => overlaps(listed, code))) {
      conflict(
        'product-not-covered',
        `exclude.${index}.code (${code}) is outside the codes the measure lists`,
      );
    }
  });
}

function checkProducts(products: ProductScope): void {
  if (products.scope === 'all') {
    products.excludedCodes?.forEach((code, index) => checkHsCode(code, `products.excludedCodes.${index}`));
    return;
  }
  if (products.codes.length === 0) {
    throw new DomainError(
      'products-empty',
      'products.codes must name at least one HS code',
      'products.codes',
    );
  }
  products.codes.forEach((code, index) => checkHsCode(code, `products.codes.${index}`));
}
