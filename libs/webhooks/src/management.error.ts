/** What endpoint and API-key management tell a user (HTTP, CLI): a stable code, its HTTP status, a message that never holds a secret. */
export class ManagementError<C extends string = string> extends Error {
  constructor(
    readonly code: C,
    readonly status: 404 | 409 | 400,
    message: string,
  ) {
    super(message);
  }
}
