/** A dependency or duty an app cannot serve without; /health/ready runs every one it lists. */
export interface ReadinessCheck {
  /** Names the dependency or duty in the health body. */
  readonly name: string;
  /** Resolves with details (counts, lag...) when ready; throws NotReady when not. */
  check(): Promise<Record<string, unknown>>;
}

/**
 * Thrown by a check that is not ready: `reason` is a stable word monitoring can branch on,
 * `cause` the raw error, which is logged and never shown in a health body.
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
