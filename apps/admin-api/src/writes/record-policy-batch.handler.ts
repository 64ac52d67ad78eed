import { randomUUID } from 'node:crypto';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { StreamType } from '@ledger/contracts';
import {
  COMMAND_STREAM_TYPE,
  DomainError,
  type StreamState,
  decide,
  evolve,
  foldStream,
  isCreationCommand,
  referencedStreamIds,
} from '@ledger/domain';
import {
  type AppendRequest,
  BatchAppendRefused,
  Journal,
  StreamVersionConflict,
  type StoredStream,
} from '@ledger/journal';
import { BatchItemRefused, type BatchItem, RecordPolicyBatch } from './record-policy-batch.command';
import { StaleStreamVersion, type WriteOutcome } from './record-policy-event.command';
import { firstAnswerOf, policyEvents } from './record-policy-event.handler';

/** Items without expectedVersion are decided again when another write to their stream wins the race. */
const MAX_ATTEMPTS = 5;

/** A stream as the batch leaves it so far: the journal's, then each item's events folded in. */
interface Pending {
  readonly streamType: StreamType;
  readonly version: number;
  readonly state: StreamState | undefined;
}

/**
 * Decides every item as its single write would, in item order, each against its stream as the
 * items before it leave it, then appends all the events in one transaction.
 */
@CommandHandler(RecordPolicyBatch)
export class RecordPolicyBatchHandler implements ICommandHandler<RecordPolicyBatch, WriteOutcome> {
  constructor(private readonly journal: Journal) {}

  async execute({ items, context }: RecordPolicyBatch): Promise<WriteOutcome> {
    const first = await firstAnswerOf(this.journal, context);
    if (first) return first;
    try {
      return await this.decideAndAppend(items, context);
    } catch (error) {
      // A retry racing its original: see RecordPolicyEventHandler.
      if (!(error instanceof BatchItemRefused)) throw error;
      const raced = await firstAnswerOf(this.journal, context);
      if (raced) return raced;
      throw error;
    }
  }

  private async decideAndAppend(
    items: readonly BatchItem[],
    context: RecordPolicyBatch['context'],
  ): Promise<WriteOutcome> {
    const { caller, idempotency } = context;
    for (let attempt = 1; ; attempt++) {
      const requests = await this.decideAll(items, context);
      try {
        const result = await this.journal.appendBatch(
          requests,
          idempotency && { keyId: caller.keyId, ...idempotency },
        );
        return { replayed: result.replayed, events: result.events };
      } catch (error) {
        if (!(error instanceof BatchAppendRefused)) throw error;
        const { index, reason } = error;
        if (!(reason instanceof StreamVersionConflict)) throw new BatchItemRefused(index, reason);
        const item = items[index];
        if (item.ifMatch !== undefined) {
          throw new BatchItemRefused(
            index,
            new StaleStreamVersion(reason.streamId, item.ifMatch, reason.actual),
          );
        }
        if (isCreationCommand(item.command) && requests[index].expectedVersion === 0) {
          throw new BatchItemRefused(
            index,
            new DomainError('stream-exists', `A stream with id ${reason.streamId} already exists`),
          );
        }
        if (attempt >= MAX_ATTEMPTS) throw new BatchItemRefused(index, reason);
      }
    }
  }

  /** The append of each item, in item order; BatchItemRefused for the first item refused. */
  private async decideAll(
    items: readonly BatchItem[],
    { caller, correlationId }: RecordPolicyBatch['context'],
  ): Promise<AppendRequest[]> {
    const named = items.flatMap(({ command }) => [command.streamId, ...referencedStreamIds(command)]);
    const stored = await this.journal.readStreams([...new Set(named)]);
    const pending = new Map<string, Pending | undefined>();
    const streamOf = (id: string): Pending | undefined => {
      if (!pending.has(id)) pending.set(id, pendingOf(stored.get(id)));
      return pending.get(id);
    };
    // Live as the single write sees it: existing and its creation not retracted (the ledger's own stream counts).
    const streamTypeOf = (id: string): StreamType | undefined => {
      const stream = streamOf(id);
      return stream && (stream.streamType === 'ledger' || stream.state?.current)
        ? stream.streamType
        : undefined;
    };

    return items.map(({ command, citation, ifMatch }, index) => {
      try {
        const stream = streamOf(command.streamId);
        if (stream?.streamType === 'ledger') {
          throw new DomainError(
            isCreationCommand(command) ? 'stream-exists' : 'wrong-stream-type',
            `Stream ${command.streamId} is the ledger's own record of itself and takes no writes`,
          );
        }
        const version = stream?.version ?? 0;
        if (ifMatch !== undefined && ifMatch !== version) {
          throw new StaleStreamVersion(command.streamId, ifMatch, version);
        }
        const events = decide(command, stream?.state, { streamTypeOf });
        const declaredType = COMMAND_STREAM_TYPE[command.type];
        const streamType = declaredType === 'any' ? stream!.streamType : declaredType;
        // The items after this one see its events; the id and time they get are the journal's
        // to give, and no decision reads them.
        const recordedAt = new Date().toISOString();
        const state = events.reduce<StreamState | undefined>(
          (folded, event, offset) =>
            evolve(folded, { ...event, id: randomUUID(), streamVersion: version + offset + 1, recordedAt }),
          stream?.state,
        );
        pending.set(command.streamId, { streamType, version: version + events.length, state });
        return {
          streamId: command.streamId,
          streamType,
          expectedVersion: version,
          events,
          actor: { keyId: caller.keyId, role: caller.role },
          correlationId,
          causationId: correlationId,
          citation,
        };
      } catch (error) {
        if (error instanceof DomainError || error instanceof StaleStreamVersion) {
          throw new BatchItemRefused(index, error);
        }
        throw error;
      }
    });
  }
}

function pendingOf(stored: StoredStream | undefined): Pending | undefined {
  if (!stored) return undefined;
  const state = stored.streamType === 'ledger' ? undefined : foldStream(policyEvents(stored.events));
  return { streamType: stored.streamType, version: stored.version, state };
}
