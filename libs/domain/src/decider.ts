import type { PolicyEvent, PolicyStreamType } from '@ledger/contracts';
import type { DecisionContext } from './commands';

/** An event as the journal gives it back; a full envelope satisfies it. */
export type RecordedEvent = {
  readonly id: string;
  readonly streamVersion: number;
  readonly recordedAt: string;
} & PolicyEvent;

export interface StreamStateOf<T extends PolicyStreamType, Current> {
  readonly streamType: T;
  /** streamVersion of the last recorded event: what a write's If-Match is compared with. */
  readonly version: number;
  /** Every recorded event in order, retractions included. */
  readonly events: readonly RecordedEvent[];
  readonly retractedEventIds: readonly string[];
  /**
   * What the events that still stand say; null when the creating event was retracted: the
   * stream is then void and takes no further command.
   */
  readonly current: Current | null;
}

/**
 * A recorded stream as a decider is given it: of the decider's own stream type, whose `current` is
 * the decider's state, or of another type (which the decider refuses).
 */
export type RecordedStream = StreamStateOf<PolicyStreamType, unknown>;

/** An event of type `E` as the journal gives it back. */
export type Recorded<E> = E & Omit<RecordedEvent, 'type' | 'data'>;

/**
 * One stream type's rules as one value (the Decider pattern): `decide` gives the events a command
 * produces on the stream as recorded (undefined when it does not exist yet) or throws a
 * DomainError; `evolve` folds the stream's events that still stand into its state, from
 * `initialState`. The state of a recorded stream (`current`) is that fold.
 */
export interface Decider<Command, Event, State> {
  readonly decide: (
    command: Command,
    stream: RecordedStream | undefined,
    context: DecisionContext,
  ) => Event[];
  readonly evolve: (state: State, event: Recorded<Event>) => State;
  readonly initialState: State;
}
