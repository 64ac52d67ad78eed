export { OperationsModule } from './operations.module';
export { READINESS_CHECKS, NotReady, type ReadinessCheck } from './health/readiness';
export { PostgresReadiness } from './health/postgres.readiness';
export { loggerParams, requestCorrelationId } from './logging';
export { createHttpApp, listen } from './bootstrap';
export { ApiKeys, type Caller, type Role } from './auth/api-keys';
export { KEY_ID_PATTERN } from './auth/keys/key-format';
export {
  ApiKeyNotLive,
  InvalidKeyChange,
  KeyStore,
  UnknownApiKey,
  statusOf,
  type ApiKeyRecord,
  type IssuedKey,
  type KeyActor,
} from './auth/keys/key-store';
export {
  Authorize,
  AuthorizeBrowser,
  Public,
  ROLE_SETS,
  accessRuleOf,
  authenticatedCaller,
  basicPassword,
  bearerToken,
  type AccessRule,
} from './auth/api-key.guard';
export { THROTTLERS } from './edge/throttling';
export { AuthModule } from './auth/auth.module';
export { Problem } from './problems/problem';
export { ProblemDetailsFilter } from './problems/problem.filter';
export type { ProblemMapper } from './problems/problem.filter';
export { strictValidationPipe } from './validation';
export { counter, gauge, histogram } from './metrics';
