import {
  type Instant,
  type Jurisdiction,
  type ProductScope,
  type TariffAnnounced,
  type TariffImposed,
  type TariffProductsAmended,
  type TariffStackingRulesSet,
  unhandledEventType,
} from '@ledger/contracts';
import type { Decider, RecordedStream } from '../decider';
import { DomainError, type DomainErrorCode } from '../domain-error';
import type { StreamEvent } from '../event-guard';
import {
  checkHsCode,
  checkNotBeforeStart,
  checkRate,
  checkReach,
  checkValidity,
  isBefore,
  requireText,
} from '../rules';
import { currentOf, requireNoStream } from '../stream';
import type { TariffMeasureCommand } from './commands';

/**
 * Where a measure stands: announced (no duty), imposed, or withdrawn (an announcement dropped
 * before it was imposed).
 */
export type TariffMeasureStage = 'announced' | 'imposed' | 'withdrawn';

/** A tariff measure as its standing events describe it, in recorded order (valid time is the views' job). */
export interface TariffMeasure {
  readonly stage: TariffMeasureStage;
  readonly imposer: Jurisdiction;
  readonly targets: readonly Jurisdiction[];
  readonly program: string;
  /** The rate of the last recorded announcement, imposition or rate change. */
  readonly rate: number;
  /** The start, moved by postponements. */
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

export const tariffMeasureDecider: Decider<TariffMeasureCommand, TariffMeasureEvent, TariffMeasure | null> = {
  decide(command, stream) {
    if (command.type === 'ImposeTariff') {
      return [imposeTariff(command.data, announcedOf(stream, command.streamId))];
    }
    if (command.type === 'AnnounceTariff') {
      requireNoStream(stream, command.streamId);
      return [announceTariff(command.data)];
    }
    return [
      changeTariffMeasure(command, currentOf<TariffMeasure>(stream, 'tariff-measure', command.streamId)),
    ];
  },
  evolve: evolveTariffMeasure,
  initialState: null,
};

/**
 * The measure an imposition implements: none for a new stream; an announced (or withdrawn, which
 * the decider refuses) measure; any other existing stream is a conflict.
 */
function announcedOf(stream: RecordedStream | undefined, streamId: string): TariffMeasure | undefined {
  if (stream?.streamType === 'tariff-measure') {
    // A tariff-measure stream's state is what this decider folds.
    const measure = stream.current as TariffMeasure | null;
    if (measure !== null && measure.stage !== 'imposed') return measure;
  }
  requireNoStream(stream, streamId);
  return undefined;
}

function evolveTariffMeasure(measure: TariffMeasure | null, event: TariffMeasureEvent): TariffMeasure | null {
  if (event.type === 'TariffImposed' || event.type === 'TariffAnnounced') {
    const { imposer, targets, program, rate, validFrom, validTo, products } = event.data;
    const stage = event.type === 'TariffImposed' ? 'imposed' : 'announced';
    return {
      stage,
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
    case 'TariffWithdrawn':
      return { ...measure, stage: 'withdrawn' };
    case 'TariffPostponed':
      return { ...measure, validFrom: event.data.validFrom };
    case 'TariffPointsSuspended':
    case 'TariffStackingRulesSet':
      return measure;
    case 'TariffProductsAmended':
      return { ...measure, products: amendedCoverage(measure.products, event.data) };
    default:
      return unhandledEventType(event);
  }
}

/**
 * Imposes a new measure, or implements an announced one (`measure`): an imposed measure is
 * not imposed again, a withdrawn one is dropped for good.
 */
function imposeTariff(data: TariffImposed, measure?: TariffMeasure): TariffMeasureEvent {
  if (measure?.stage === 'withdrawn') {
    throw new DomainError(
      'measure-withdrawn',
      'The announced measure was withdrawn; a withdrawn measure takes no further changes (announce a new one)',
    );
  }
  requireText(data.legalInstrument, 'legalInstrument');
  const rate = checkMeasure(data);
  return { type: 'TariffImposed', data: { ...data, rate, heading: data.heading ?? null } };
}

function announceTariff(data: TariffAnnounced): TariffMeasureEvent {
  if (data.legalInstrument !== undefined) requireText(data.legalInstrument, 'legalInstrument');
  const rate = checkMeasure(data);
  return { type: 'TariffAnnounced', data: { ...data, rate } };
}

/** What an announcement and an imposition both say of a measure; returns the rate rounded. */
function checkMeasure(data: TariffImposed | TariffAnnounced): number {
  requireText(data.title, 'title');
  requireText(data.program, 'program');
  checkReach(data.imposer, data.targets, data.excludedTargets, {
    reached: 'targets',
    excluded: 'excludedTargets',
  });
  checkProducts(data.products);
  const rate = checkRate(data.rate);
  checkValidity(data.validFrom, data.validTo);
  return rate;
}

/** Only postponement and withdrawal apply to an announcement: the rest changes a duty it does not levy. */
const ANNOUNCEMENT_CHANGES: readonly TariffMeasureCommand['type'][] = ['PostponeTariff', 'WithdrawTariff'];

function changeTariffMeasure(
  command: Exclude<TariffMeasureCommand, { type: 'ImposeTariff' | 'AnnounceTariff' }>,
  measure: TariffMeasure,
): TariffMeasureEvent {
  if (measure.stage === 'withdrawn') {
    throw new DomainError(
      'measure-withdrawn',
      'The announced measure was withdrawn; a withdrawn measure takes no further changes',
    );
  }
  if (measure.stage === 'announced' && !ANNOUNCEMENT_CHANGES.includes(command.type)) {
    throw new DomainError(
      'measure-not-imposed',
      'The measure is only announced: impose it first (POST /v1/tariff-measures with its id), or postpone or withdraw it',
    );
  }
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
      return {
        type: 'TariffRateChanged',
        data: { ...data, rate, heading: data.heading ?? null, instrument: data.instrument ?? null },
      };
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
    case 'WithdrawTariff':
      if (measure.stage === 'imposed') {
        throw new DomainError(
          'measure-imposed',
          'The measure was imposed, so it cannot be withdrawn: lift it instead (POST /v1/tariff-measures/{id}/lifts)',
        );
      }
      requireText(command.data.reason, 'reason');
      return { type: 'TariffWithdrawn', data: command.data };
    case 'PostponeTariff':
      if (!isBefore(measure.validFrom, command.data.validFrom)) {
        throw new DomainError(
          'postponement-not-later',
          `A postponement moves the start later: ${command.data.validFrom} is not after the current start (${measure.validFrom})`,
        );
      }
      checkValidity(command.data.validFrom, measure.validTo, 'validFrom');
      return { type: 'TariffPostponed', data: command.data };
    case 'SuspendTariffPoints': {
      const { data } = command;
      const points = checkRate(data.points, 'points');
      if (points <= 0) {
        throw new DomainError('points-not-positive', `points must be above 0, got ${data.points}`, 'points');
      }
      if (points > measure.rate) {
        throw new DomainError(
          'points-exceed-rate',
          `Cannot suspend ${points} points of a rate of ${measure.rate}: at most the rate in force`,
        );
      }
      if (data.provision !== undefined) requireText(data.provision, 'provision');
      checkValidity(data.validFrom, data.validTo);
      return { type: 'TariffPointsSuspended', data: { ...data, points } };
    }
    // Coverage may change from before the measure starts (an exclusion backdated to the start of
    // the program): it then shapes the measure from its start.
    case 'AmendTariffProducts':
      checkProductAmendment(command.data, measure.products);
      return { type: 'TariffProductsAmended', data: command.data };
    case 'SetTariffStackingRules':
      return { type: 'TariffStackingRulesSet', data: checkStackingRules(command.data, measure.program) };
  }
}

/**
 * Each program named once across the rules (a program both stacked on and not, or displaced and
 * counted towards the cap, says two things), never the measure's own; returns the cap rounded.
 */
function checkStackingRules(data: TariffStackingRulesSet, program: string): TariffStackingRulesSet {
  checkValidity(data.validFrom, data.validTo);
  const named: [string, string][] = [
    ...(data.notStackedOn ?? []).map((name, index): [string, string] => [name, `notStackedOn.${index}`]),
    ...(data.displaces ?? []).map((name, index): [string, string] => [name, `displaces.${index}`]),
    ...(data.cap?.including ?? []).map((name, index): [string, string] => [name, `cap.including.${index}`]),
  ];
  const seen = new Set<string>();
  for (const [name, field] of named) {
    requireText(name, field);
    if (seen.has(name)) {
      throw new DomainError(
        'stacking-programs-overlap',
        `${name} is named more than once in the rules`,
        field,
      );
    }
    seen.add(name);
    if (name === program) {
      throw new DomainError(
        'stacking-own-program',
        `The rules name the measure's own program ${program}: they say how it stacks with other programs`,
      );
    }
  }
  if (data.cap === undefined || data.cap === null) return data;
  return { ...data, cap: { ...data.cap, total: checkRate(data.cap.total, 'cap.total') } };
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
