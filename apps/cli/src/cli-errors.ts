/** sysexits(3): what scripts calling the CLI can tell apart. */
export const ExitCodes = { ok: 0, failure: 1, usage: 64, config: 78 } as const;

/** An expected failure: printed as one line `junction: <code>: <message>`, never with a stack. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: number = ExitCodes.failure,
  ) {
    super(message);
  }
}

export class UsageError extends CliError {
  constructor(message: string, code = 'USAGE') {
    super(code, message, ExitCodes.usage);
  }
}

export class CliConfigError extends CliError {
  constructor(message: string, code = 'INVALID_CONFIG') {
    super(code, message, ExitCodes.config);
  }
}

export interface CliFailure {
  code: string;
  message: string;
  exitCode: number;
  /** Only for errors nobody anticipated (a bug or an outage): worth a stack with --debug. */
  unexpected: boolean;
}

/**
 * Maps anything thrown to what the user sees. Library errors with a stable `code` (EndpointError, ApiKeyError,
 * VaultError, KeyRingError, DatabaseUnavailableError …) are expected: their messages are written for users and
 * carry no secrets.
 */
export function describeFailure(error: unknown): CliFailure {
  if (error instanceof CliError) return { code: error.code, message: error.message, exitCode: error.exitCode, unexpected: false };
  const { name, code, message } = (error ?? {}) as { name?: unknown; code?: unknown; message?: unknown };
  const text = typeof message === 'string' && message ? oneLine(message) : String(error);
  if (name === 'KeyRingError' || name === 'ConfigError') return { code: typeof code === 'string' ? code : 'INVALID_CONFIG', message: text, exitCode: ExitCodes.config, unexpected: false };
  if (typeof code === 'string' && /^(P2021|P2022)$/.test(code)) {
    return { code: 'DATABASE_NOT_MIGRATED', message: `${prismaReason(error)} (apply the migrations: npm run db:migrate)`, exitCode: ExitCodes.failure, unexpected: false };
  }
  if (typeof code === 'string' && /^P1\d{3}$/.test(code)) return { code: 'DATABASE_UNAVAILABLE', message: prismaReason(error), exitCode: ExitCodes.failure, unexpected: false };
  // Node's (ECONNREFUSED, ERR_…) and Prisma's (P2002) codes are not ours to promise.
  if (typeof code === 'string' && /^P\d{4}$/.test(code)) return { code: 'INTERNAL', message: prismaReason(error), exitCode: ExitCodes.failure, unexpected: true };
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code) && !/^(E[A-Z]+|ERR_.*)$/.test(code)) {
    return { code, message: text, exitCode: ExitCodes.failure, unexpected: false };
  }
  return { code: 'INTERNAL', message: text, exitCode: ExitCodes.failure, unexpected: true };
}

/**
 * Prisma's messages start with the invocation and a code frame; the reason is the last line ("Can't reach
 * database server at …", "The table `public.api_key` does not exist …").
 */
export function prismaReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? message;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
