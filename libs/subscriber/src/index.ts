export { Subscriber, type SubscriberHooks, type SubscriberSettings } from './subscriber';
export type { EventHandlers } from './handlers';
export {
  ChainBroken,
  ForeignRecord,
  SubscriberRefusal,
  UnreadableRecord,
  type RefusalReason,
} from './errors';
export { installSubscriberTables, subscriberTablesSql } from './tables';
export { applyBatch, storedOffsets } from './apply-batch';
export { TopicInstances } from '@ledger/messaging';
export type { AppliedBatch, ApplyOptions, BatchAnswer, SubscriberBatch } from './apply-batch';
export { SubscriberMetrics } from './metrics';
