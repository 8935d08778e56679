/**
 * What management (admin API, CLI) tells a user: a stable code, its HTTP status, a message that never holds a
 * secret. The admin API maps it to `{ code, message }` with the status; the CLI prints `junction: CODE: message`.
 */
export class ManagementError<C extends string = string> extends Error {
  constructor(
    readonly code: C,
    readonly status: 400 | 403 | 404 | 409 | 422 | 502,
    message: string,
  ) {
    super(message);
  }
}

/** Who acts, for whom: every management operation is scoped to `tenantId` and audited as `actor`. */
export interface ActorContext {
  tenantId: string;
  /** `admin:<apiKeyId>` over HTTP, `cli` from the command line, `system` for the apps themselves. */
  actor: string;
}
