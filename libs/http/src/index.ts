export { OperationsModule } from './operations.module';
export { READINESS_CHECKS, NotReady, type ReadinessCheck } from './health/readiness';
export { PostgresReadiness } from './health/postgres.readiness';
export { loggerParams, requestCorrelationId } from './logging';
export { createHttpApp, listen, type HttpAppOptions } from './bootstrap';
export { apiDocument, type ApiDocumentOptions } from './openapi/document';
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
export { Problem, fieldErrors, validationProblem, type FieldError } from './problems/problem';
export {
  ApiProblems,
  FieldErrorDto,
  PROBLEM_MEDIA_TYPE,
  ProblemDto,
  type ProblemStatus,
} from './problems/problem.dto';
export { ProblemDetailsFilter } from './problems/problem.filter';
export type { ProblemMapper } from './problems/problem.filter';
export { strictValidationPipe } from './validation';
export { counter, gauge, histogram } from './metrics';
