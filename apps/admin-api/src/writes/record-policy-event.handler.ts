import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  upcastEnvelope,
  type AnyEventEnvelope,
  type RecordedEnvelope,
  type StreamType,
} from '@ledger/contracts';
import {
  COMMAND_STREAM_TYPE,
  DomainError,
  type Command,
  type RecordedEvent,
  decide,
  foldStream,
  isCreationCommand,
  referencedStreamIds,
} from '@ledger/domain';
import { IdempotencyKeyReused, Journal, StreamVersionConflict } from '@ledger/journal';
import {
  RecordPolicyEvent,
  StaleStreamVersion,
  type WriteContext,
  type WriteOutcome,
} from './record-policy-event.command';

/** Without If-Match a write is retried when another write to the stream wins the race. */
const MAX_ATTEMPTS = 5;

@CommandHandler(RecordPolicyEvent)
export class RecordPolicyEventHandler implements ICommandHandler<RecordPolicyEvent, WriteOutcome> {
  constructor(private readonly journal: Journal) {}

  async execute({ command, context }: RecordPolicyEvent): Promise<WriteOutcome> {
    const first = await this.firstAnswer(context);
    if (first) return first;
    try {
      return await this.decideAndAppend(command, context);
    } catch (error) {
      // A retry racing its original: the original committed between our lookup and our
      // decision, so the decision now fails (stream exists, stale version...). The client
      // asked for the first answer, and it exists now.
      if (!(error instanceof DomainError || error instanceof StaleStreamVersion)) throw error;
      const raced = await this.firstAnswer(context);
      if (raced) return raced;
      throw error;
    }
  }

  private firstAnswer(context: WriteContext): Promise<WriteOutcome | undefined> {
    return firstAnswerOf(this.journal, context);
  }

  private async decideAndAppend(command: Command, context: WriteContext): Promise<WriteOutcome> {
    const { caller, idempotency, ifMatch } = context;
    for (let attempt = 1; ; attempt++) {
      const stream = await this.journal.readStream(command.streamId);
      const version = stream?.version ?? 0;
      if (stream?.streamType === 'ledger') {
        throw new DomainError(
          isCreationCommand(command) ? 'stream-exists' : 'wrong-stream-type',
          `Stream ${command.streamId} is the ledger's own record of itself and takes no writes`,
        );
      }
      if (ifMatch !== undefined && ifMatch !== version) {
        throw new StaleStreamVersion(command.streamId, ifMatch, version);
      }
      const references = await this.liveStreamTypes(referencedStreamIds(command));
      const events = decide(command, stream ? foldStream(policyEvents(stream.events)) : undefined, {
        streamTypeOf: (id) => references.get(id),
      });
      const declaredType = COMMAND_STREAM_TYPE[command.type];
      try {
        const result = await this.journal.append({
          streamId: command.streamId,
          streamType: declaredType === 'any' ? stream!.streamType : declaredType,
          expectedVersion: version,
          events,
          actor: { keyId: caller.keyId, role: caller.role },
          correlationId: context.correlationId,
          causationId: context.correlationId,
          citation: context.citation,
          idempotency: idempotency && { keyId: caller.keyId, ...idempotency },
        });
        return { replayed: result.replayed, events: result.events };
      } catch (error) {
        if (!(error instanceof StreamVersionConflict)) throw error;
        if (ifMatch !== undefined) throw new StaleStreamVersion(command.streamId, ifMatch, error.actual);
        if (isCreationCommand(command) && version === 0) {
          throw new DomainError('stream-exists', `A stream with id ${command.streamId} already exists`);
        }
        if (attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  /** Types of the referenced streams that exist and whose creation was not retracted. */
  private async liveStreamTypes(ids: readonly string[]): Promise<Map<string, StreamType>> {
    const live = new Map<string, StreamType>();
    for (const [id, streamType] of await this.journal.streamTypes(ids)) {
      if (streamType === 'ledger') {
        live.set(id, streamType);
        continue;
      }
      const referenced = await this.journal.readStream(id);
      if (referenced && foldStream(policyEvents(referenced.events))?.current) live.set(id, streamType);
    }
    return live;
  }
}

/** The answer to an earlier request with the same Idempotency-Key; 422 when its body differed. */
export async function firstAnswerOf(
  journal: Journal,
  { caller, idempotency }: Pick<WriteContext, 'caller' | 'idempotency'>,
): Promise<WriteOutcome | undefined> {
  if (!idempotency) return undefined;
  const first = await journal.findIdempotent(caller.keyId, idempotency.key);
  if (!first) return undefined;
  if (first.fingerprint !== idempotency.fingerprint) throw new IdempotencyKeyReused(idempotency.key);
  return { replayed: true, events: first.events };
}

/**
 * The events of a policy stream (the caller has ruled out the ledger's own stream), upcast to
 * the current schema versions the deciders know.
 */
export function policyEvents(events: readonly RecordedEnvelope[]): RecordedEvent[] {
  return events
    .map(upcastEnvelope)
    .filter((event): event is AnyEventEnvelope & RecordedEvent => event.type !== 'LedgerCheckpointSigned');
}
