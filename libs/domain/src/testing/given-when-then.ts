import type { PolicyEvent, StreamType } from '@ledger/contracts';
import type { Command } from '../commands';
import { decide } from '../decide';
import type { Decider } from '../decider';
import { DomainError, type DomainErrorCode } from '../domain-error';
import { evolve, foldStream, type RecordedEvent, type StreamState } from '../state';

/** The first recorded instant in these specs; recordedAt only orders events, deciders never read it. */
const FIRST_RECORDED_AT = Date.parse('2025-06-01T00:00:00.000Z');

/** Every stream type as one decider: `decide` and the whole stream's `evolve`, for specs whose commands span stream types. */
export const everyStreamType: Decider<Command, PolicyEvent, StreamState | undefined> = {
  decide,
  evolve,
  initialState: undefined,
};

/**
 * specify(decider) gives `given` for that decider's commands:
 * given(past events of the stream).when(command).then(new events) | .thenThrows(code, field?).
 * The past events are recorded as `event-1`, `event-2`, … so a spec can retract one by id, and
 * folded as the journal's streams are (foldStream). `otherStreams` names the other streams that
 * exist, with their types.
 */
export function specify<C extends Command, E extends PolicyEvent, S>(decider: Decider<C, E, S>) {
  return function given(
    events: readonly PolicyEvent[],
    otherStreams: Readonly<Record<string, StreamType>> = {},
  ) {
    const recorded: RecordedEvent[] = events.map((event, index) => ({
      ...event,
      id: `event-${index + 1}`,
      streamVersion: index + 1,
      recordedAt: new Date(FIRST_RECORDED_AT + index * 60_000).toISOString(),
    }));
    const state = foldStream(recorded);
    const context = { streamTypeOf: (streamId: string) => otherStreams[streamId] };

    return {
      when(command: C) {
        const decision = () => decider.decide(command, state, context);
        return {
          then(expected: readonly PolicyEvent[]): void {
            expect(decision()).toEqual(expected);
          },
          thenThrows(code: DomainErrorCode, field?: string): void {
            let events: PolicyEvent[];
            try {
              events = decision();
            } catch (error) {
              expect(error).toBeInstanceOf(DomainError);
              const { code: actualCode, field: actualField, message } = error as DomainError;
              expect({ code: actualCode, field: actualField }).toEqual({ code, field });
              expect(message).not.toBe('');
              return;
            }
            throw new Error(`Expected ${code}, but the command was accepted: ${JSON.stringify(events)}`);
          },
        };
      },
    };
  };
}
