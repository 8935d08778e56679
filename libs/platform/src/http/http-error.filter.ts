import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

export interface HttpErrorBody {
  code: string;
  message: string;
}

/** Fastify's own errors (before our handlers run) mapped to stable codes. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
};

const STATUS_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

/**
 * Every HTTP error leaves as `{ code, message }` with a stable code. Errors we did not anticipate are 500
 * INTERNAL with a generic message: their text may carry internals or secrets, so it goes to the log only.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body } = this.describe(error);
    if (status >= 500) this.logger.error(error instanceof Error ? error : String(error));
    void reply.status(status).send(body);
  }

  private describe(error: unknown): { status: number; body: HttpErrorBody } {
    // Nest wraps Fastify's own 4xx errors (bad JSON, body too large) in an HttpException with the original as cause.
    const fastify = fastifyError(error instanceof HttpException ? error.cause : error);
    if (fastify) return fastify;
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const response = error.getResponse();
      if (typeof response === 'string') return { status, body: { code: codeFor(status), message: response } };
      const r = response as { code?: unknown; message?: unknown; statusCode?: unknown; error?: unknown };
      if (typeof r.code === 'string') return { status, body: { code: r.code, message: String(r.message) } };
      // Nest's default shape ({statusCode, message, error}) becomes ours; any other body (e.g. the health
      // report behind a 503) was built on purpose and goes out unchanged.
      if ('statusCode' in r) {
        const message = Array.isArray(r.message) ? r.message.join('; ') : String(r.message ?? error.message);
        return { status, body: { code: codeFor(status), message } };
      }
      return { status, body: response as HttpErrorBody };
    }
    return { status: 500, body: { code: 'INTERNAL', message: 'internal error; see the logs' } };
  }
}

function fastifyError(error: unknown): { status: number; body: HttpErrorBody } | undefined {
  const e = error as { code?: unknown; statusCode?: unknown; message?: unknown } | undefined;
  if (typeof e?.code !== 'string' || typeof e.statusCode !== 'number') return undefined;
  const code = FASTIFY_CODES[e.code];
  return code ? { status: e.statusCode, body: { code, message: String(e.message) } } : undefined;
}

function codeFor(status: number): string {
  return STATUS_CODES[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST');
}
