import type { PolicyEvent, PolicyStreamType } from '@ledger/contracts';
import { agreementDecider } from './agreement/decider';
import type { Command, CommandStreamType, CommandType } from './commands';
import type { Decider } from './decider';
import { exportControlDecider } from './export-control/decider';
import { licenceDecider } from './licence/decider';
import { partyListingDecider } from './party-listing/decider';
import { retractionDecider } from './retraction/decider';
import { tariffMeasureDecider } from './tariff-measure/decider';

/** The decider of each stream type, and of retractions, which correct a stream of any type. */
export const DECIDERS = {
  'tariff-measure': tariffMeasureDecider,
  'export-control': exportControlDecider,
  licence: licenceDecider,
  agreement: agreementDecider,
  'party-listing': partyListingDecider,
  any: retractionDecider,
} as const satisfies {
  readonly [S in PolicyStreamType | 'any']: Pick<Decider<CommandOn<S>, PolicyEvent, unknown>, 'decide'>;
};

/** The commands COMMAND_STREAM_TYPE sends to streams of type `S`: what its decider must decide. */
type CommandOn<S> = Extract<
  Command,
  { type: { [T in CommandType]: CommandStreamType<T> extends S ? T : never }[CommandType] }
>;

/** A decider of any stream type, as `decide` and `foldStream` use it once they have chosen it by type. */
export type AnyDecider = Decider<Command, PolicyEvent, unknown>;
