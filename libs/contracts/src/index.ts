export * from './events';
export { asyncApiDocument, type AsyncApiOptions } from './asyncapi';
export type { AnyEventEnvelope, EventEnvelope } from './envelope';
export { canonicalJson } from './canonical-json';
export { computeEventHash, verifyStreamChain, type ChainVerification } from './event-hash';
export { ELEMENT_SYMBOLS, RARE_EARTH_ELEMENTS, type ElementSymbol } from './elements';
export {
  HEADING_PATTERN,
  HS_CODE_PATTERN,
  STREAM_ID,
  STREAM_ID_PATTERN,
  isElementSymbol,
  isHeading,
  isHsCode,
  isJurisdiction,
  normaliseHeading,
  nomenclatureOf,
} from './identifiers';
export {
  ENVELOPE_SCHEMA,
  EVENT_DATA_SCHEMAS,
  EVENT_DATA_SCHEMA_VERSIONS,
  knownSchemaVersions,
} from './schemas';
export {
  UPCASTERS,
  UnknownSchemaVersion,
  isKnownSchemaVersion,
  upcast,
  upcastEnvelope,
  type RecordedEnvelope,
} from './upcast';
export { compileEventValidators, validateEnvelope, validateEventData } from './validation';
export { ContractViolation } from './contract-violation';
export {
  CLOUDEVENTS_CONTENT_TYPE,
  fromKafkaRecord,
  toKafkaRecord,
  type KafkaRecord,
  type ReceivedKafkaRecord,
} from './kafka-record';
export {
  CHECKPOINT_STREAM_ID,
  checkpointKeyId,
  merkleRoot,
  parseCheckpointPrivateKey,
  parseCheckpointPublicKey,
  publicKeyText,
  signCheckpoint,
  verifyCheckpointSignature,
  type CheckpointStatement,
  type SignatureVerdict,
  type StreamHead,
} from './ledger-checkpoint';
export {
  GENESIS_TYPE,
  TOPIC_INSTANCE_HEADER,
  isGenesisRecord,
  parseGenesisRecord,
  readTopicRecord,
  toGenesisRecord,
  toGenesisRecords,
  topicInstanceOf,
  withTopicInstance,
  type TopicEntry,
  type TopicGenesis,
} from './topic-genesis';
export { partySearchKey } from './party-search-key';
