import type { PolicyEvent } from '@ledger/contracts';
import { COMMAND_STREAM_TYPE, type Command, type DecisionContext } from './commands';
import type { RecordedStream } from './decider';
import { DECIDERS, type AnyDecider } from './deciders';

/**
 * The one entry point: the events a command produces given its stream's state (undefined when
 * the stream does not exist yet), or a DomainError. Pure: time and other streams come in. The
 * decider of the command's stream type decides (DECIDERS, by COMMAND_STREAM_TYPE).
 */
export function decide(
  command: Command,
  state: RecordedStream | undefined,
  context: DecisionContext,
): PolicyEvent[] {
  // DECIDERS is checked to give each stream type a decider of exactly the commands sent to it.
  const decider = DECIDERS[COMMAND_STREAM_TYPE[command.type]] as unknown as AnyDecider;
  return decider.decide(command, state, context);
}
