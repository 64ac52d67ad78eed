import type {
  TariffAnnounced,
  TariffImposed,
  TariffLifted,
  TariffPointsSuspended,
  TariffPostponed,
  TariffProductsAmended,
  TariffRateChanged,
  TariffStackingRulesSet,
  TariffSuspended,
  TariffValidityChanged,
  TariffWithdrawn,
} from '@ledger/contracts';
import type { CommandOf, StreamCommands } from '../command-of';

export type ImposeTariff = CommandOf<'ImposeTariff', TariffImposed>;
export type ChangeTariffRate = CommandOf<'ChangeTariffRate', TariffRateChanged>;
export type SuspendTariff = CommandOf<'SuspendTariff', TariffSuspended>;
export type LiftTariff = CommandOf<'LiftTariff', TariffLifted>;
export type ChangeTariffValidity = CommandOf<'ChangeTariffValidity', TariffValidityChanged>;
export type AnnounceTariff = CommandOf<'AnnounceTariff', TariffAnnounced>;
export type WithdrawTariff = CommandOf<'WithdrawTariff', TariffWithdrawn>;
export type PostponeTariff = CommandOf<'PostponeTariff', TariffPostponed>;
export type SuspendTariffPoints = CommandOf<'SuspendTariffPoints', TariffPointsSuspended>;
export type AmendTariffProducts = CommandOf<'AmendTariffProducts', TariffProductsAmended>;
export type SetTariffStackingRules = CommandOf<'SetTariffStackingRules', TariffStackingRulesSet>;

export type TariffMeasureCommand =
  | ImposeTariff
  | ChangeTariffRate
  | SuspendTariff
  | LiftTariff
  | ChangeTariffValidity
  | AnnounceTariff
  | WithdrawTariff
  | PostponeTariff
  | SuspendTariffPoints
  | AmendTariffProducts
  | SetTariffStackingRules;

/** A measure is created by its imposition or by its announcement (which an imposition implements later). */
export const TARIFF_MEASURE_COMMANDS = {
  ImposeTariff: 'creates',
  AnnounceTariff: 'creates',
  ChangeTariffRate: 'changes',
  SuspendTariff: 'changes',
  LiftTariff: 'changes',
  ChangeTariffValidity: 'changes',
  WithdrawTariff: 'changes',
  PostponeTariff: 'changes',
  SuspendTariffPoints: 'changes',
  AmendTariffProducts: 'changes',
  SetTariffStackingRules: 'changes',
} as const satisfies StreamCommands<TariffMeasureCommand>;
