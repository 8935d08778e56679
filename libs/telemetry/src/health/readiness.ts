/** One dependency readiness depends on (database, broker, outbox relay, …). */
export interface ReadinessCheck {
  readonly key: string;
  /** Resolves with details when ready; throws (with a message free of secrets) when not. */
  check(): Promise<Record<string, unknown> | void>;
}

/** Multi-provider token: every ReadinessCheck an app registers. */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
