export { OperationsModule } from './operations.module';
export { READINESS_CHECKS, NotReady, type ReadinessCheck } from './health/readiness';
export { PostgresReadiness } from './health/postgres.readiness';
export { loggerParams, requestCorrelationId } from './logging';
export { createHttpApp, listen } from './bootstrap';
export { ApiKeys } from './auth/api-keys';
export type { Caller, Role } from './auth/api-keys';
export {
  Authorize,
  Public,
  ROLE_SETS,
  accessRuleOf,
  authenticatedCaller,
  bearerToken,
} from './auth/api-key.guard';
export type { AccessRule } from './auth/api-key.guard';
export { THROTTLERS } from './edge/throttling';
export { AuthModule } from './auth/auth.module';
export { Problem } from './problems/problem';
export { ProblemDetailsFilter } from './problems/problem.filter';
export type { ProblemMapper } from './problems/problem.filter';
export { strictValidationPipe } from './validation';
export { counter, gauge, histogram } from './metrics';
