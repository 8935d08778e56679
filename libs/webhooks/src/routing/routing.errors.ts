import { ErrorCodes } from '@junction/contracts';

/**
 * A route's JSONata expression does not compile. The admin API answers it with 400; at routing time (a stored
 * route that should never have been accepted) the router turns it into a MappingError.
 */
export class RouteCompileError extends Error {
  override readonly name = 'RouteCompileError';
  readonly code = ErrorCodes.validationFailed;
  readonly retryable = false;

  constructor(
    readonly route: string,
    /** JSONata's error code (S0201, …) and the character offset in the expression where it stopped. */
    readonly syntax: { code: string; position?: number; token?: string; message: string },
  ) {
    super(`route "${route}": mapping does not compile: ${syntax.message}${syntax.position === undefined ? '' : ` (at character ${syntax.position})`}`);
  }
}

/**
 * Mapping an event failed: the expression threw or ran out of time, or what it produced is not a valid
 * command. Permanent: the same event and route fail the same way, so the consumer dead-letters the event at
 * once with this code as the reason and this message as the description (fix the route, then redrive).
 */
export class MappingError extends Error {
  override readonly name = 'MappingError';
  readonly code = ErrorCodes.mappingFailed;
  readonly retryable = false;

  constructor(
    message: string,
    readonly route?: string,
  ) {
    super(message);
  }
}
