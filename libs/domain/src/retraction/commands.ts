import type { EventRetracted } from '@ledger/contracts';
import type { CommandOf, StreamCommands } from '../command-of';

export type RetractEvent = CommandOf<'RetractEvent', EventRetracted>;

export type RetractionCommand = RetractEvent;

/** A retraction corrects a stream of any type; it never creates one. */
export const RETRACTION_COMMANDS = {
  RetractEvent: 'changes',
} as const satisfies StreamCommands<RetractionCommand>;
