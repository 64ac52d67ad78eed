import {
  type Instant,
  type Jurisdiction,
  type PolicyEvent,
  type ProductScope,
  type TariffImposed,
  unhandledEventType,
} from '@ledger/contracts';
import type { TariffMeasureCommand } from './commands';
import { DomainError } from './domain-error';
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
}

type TariffMeasureEvent = StreamEvent<'tariff-measure'>;
export const isTariffMeasureEvent = streamEventGuard('tariff-measure');

export function evolveTariffMeasure(
  measure: TariffMeasure | null,
  event: TariffMeasureEvent,
): TariffMeasure | null {
  if (event.type === 'TariffImposed') {
    const { imposer, targets, program, rate, validFrom, validTo } = event.data;
    return { imposer, targets, program, rate, validFrom, validTo: validTo ?? null, liftedFrom: null };
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
  return { type: 'TariffImposed', data: { ...data, rate, heading: data.heading ?? null } };
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
