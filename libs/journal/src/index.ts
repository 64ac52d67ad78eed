export { Journal, readEventsInStreamOrder } from './journal';
export type { JournalPage, Publication, StoredStream, StreamCursor, TopicInstance } from './journal';
export { JournalModule } from './journal.module';
export {
  JOURNAL_APPENDED_CHANNEL,
  appendBatchInTransaction,
  appendInTransaction,
  reserveBatchPositions,
  reservePositions,
} from './append';
export type {
  AppendRequest,
  AppendResult,
  IdempotencyClaim,
  IdempotentAnswer,
  PositionReservation,
} from './append';
export { BatchAppendRefused, EventRejected, IdempotencyKeyReused, StreamVersionConflict } from './errors';
export { Doorbell } from './doorbell';
export { toEnvelope, type EventRow } from './event-row';
