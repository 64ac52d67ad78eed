export * from './events';
export type { AnyEventEnvelope, EventEnvelope } from './envelope';
