import type { PolicyEvent, StreamType } from '@ledger/contracts';
import type { Command } from '../commands';
import { decide } from '../decide';
import { DomainError, type DomainErrorCode } from '../domain-error';
import { foldStream, type RecordedEvent } from '../state';

/** The first recorded instant in these specs; recordedAt only orders events, deciders never read it. */
const FIRST_RECORDED_AT = Date.parse('2025-06-01T00:00:00.000Z');

/**
 * given(past events of the stream).when(command).then(new events) | .thenThrows(code, field?).
 * The past events are recorded as `event-1`, `event-2`, … so a spec can retract one by id.
 * `otherStreams` names the other streams that exist, with their types.
 */
export function given(
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
    when(command: Command) {
      const decision = () => decide(command, state, context);
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
}
