/**
 * The readiness checks of an app. Each app module provides them under this token, naming the
 * dependencies and duties it cannot serve without; /health/ready runs them all:
 *
 *   { provide: READINESS_CHECKS, inject: [PostgresReadiness, KafkaReadiness],
 *     useFactory: (...checks: ReadinessCheck[]) => checks }
 *
 * The provider sits in the app module, so its factory may inject any of the app's services.
 */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

export interface ReadinessCheck {
  /** Names the dependency or duty in the health body, e.g. `postgres`, `kafka`. */
  readonly name: string;
  /**
   * Resolves with details (counts, lag...) when ready; throws NotReady when not. It gets 2 s,
   * and a call still running is joined by the next probe rather than started again.
   */
  check(): Promise<Record<string, unknown>>;
}

/**
 * Thrown by a check that is not ready. `reason` is a stable word (`unreachable`, `timeout`,
 * `not-migrated`...) that monitoring can branch on; `cause` is the raw error, which is logged and
 * never shown in the health body.
 */
export class NotReady extends Error {
  override readonly name = 'NotReady';

  constructor(
    readonly reason: string,
    readonly details: Record<string, unknown> = {},
    cause?: unknown,
  ) {
    super(reason, { cause });
  }
}
