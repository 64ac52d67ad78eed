export { projectBatch, storedOffsets } from './project-batch';
export type { BatchOptions, BatchOutcome, BatchResult, PartitionBatch } from './project-batch';
export { startProjection } from './start-projection';
export type {
  BatchFailure,
  ProjectionHooks,
  ProjectionSettings,
  RunningProjection,
} from './start-projection';
export { DEAD_LETTER_KINDS, deadLetterSummary, listDeadLetters, pageDeadLetters } from './dead-letters';
export type { DeadLetter, DeadLetterKind, DeadLetterSummary } from './dead-letters';
export { redriveDeadLetters } from './redrive';
export type { RedriveReport } from './redrive';
export { PROJECTION_LOCK } from './settle';
