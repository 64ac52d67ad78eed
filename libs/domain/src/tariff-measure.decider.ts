import {
  type Instant,
  type Jurisdiction,
  type PolicyEvent,
  type ProductScope,
  type TariffAnnounced,
  type TariffImposed,
  unhandledEventType,
} from '@ledger/contracts';
import type { TariffMeasureCommand } from './commands';
import { DomainError } from './domain-error';
import { streamEventGuard, type StreamEvent } from './event-guard';
import {
  checkHsCode,
  checkNotBeforeStart,
  checkRate,
  checkReach,
  checkValidity,
  isBefore,
  requireText,
} from './rules';

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
}

type TariffMeasureEvent = StreamEvent<'tariff-measure'>;
export const isTariffMeasureEvent = streamEventGuard('tariff-measure');

export function evolveTariffMeasure(
  measure: TariffMeasure | null,
  event: TariffMeasureEvent,
): TariffMeasure | null {
  if (event.type === 'TariffImposed' || event.type === 'TariffAnnounced') {
    const { imposer, targets, program, rate, validFrom, validTo } = event.data;
    const stage = event.type === 'TariffImposed' ? 'imposed' : 'announced';
    return { stage, imposer, targets, program, rate, validFrom, validTo: validTo ?? null, liftedFrom: null };
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
      return measure;
    default:
      return unhandledEventType(event);
  }
}

/**
 * Imposes a new measure, or implements an announced one (`measure`): an imposed measure is
 * not imposed again, a withdrawn one is dropped for good.
 */
export function imposeTariff(data: TariffImposed, measure?: TariffMeasure): PolicyEvent {
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

export function announceTariff(data: TariffAnnounced): PolicyEvent {
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

export function changeTariffMeasure(
  command: Exclude<TariffMeasureCommand, { type: 'ImposeTariff' | 'AnnounceTariff' }>,
  measure: TariffMeasure,
): PolicyEvent {
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
  }
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
