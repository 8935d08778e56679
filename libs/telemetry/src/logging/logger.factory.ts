import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type Logger, type LoggerOptions } from 'pino';
import { currentLogContext } from './log-context';

/**
 * Paths pino blanks before a line is written. Secrets must never reach a log, so anything that may carry
 * one is listed here, at any depth we log objects (config, errors, request headers).
 */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  '*.apiKey',
  '*.apiSecret',
  '*.secret',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.connectionString',
  '*.databaseUrl',
  '*.rabbitmqUrl',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
  '*.headers.authorization',
];

export interface LoggerFactoryOptions {
  service: string;
  level?: string;
  /** Write to this stream instead of stdout (tests). */
  destination?: pino.DestinationStream;
}

/** pino JSON logger: service name, trace/span ids of the active span, correlation and message ids. */
export function createLogger(options: LoggerFactoryOptions): Logger {
  const config: LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const span = trace.getActiveSpan()?.spanContext();
      const ctx = currentLogContext();
      return {
        ...(ctx?.app ? { app: ctx.app } : {}),
        ...(ctx?.correlationId ? { correlationId: ctx.correlationId } : {}),
        ...(ctx?.messageId ? { messageId: ctx.messageId } : {}),
        ...(ctx?.messageType ? { messageType: ctx.messageType } : {}),
        ...(span && isSpanContextValid(span) ? { traceId: span.traceId, spanId: span.spanId } : {}),
      };
    },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}

/** Strips credentials from a URL before it is logged or shown (postgres://user:pass@host → postgres://user:***@host). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const key of [...u.searchParams.keys()]) if (/key|secret|token|password|signature/i.test(key)) u.searchParams.set(key, '***');
    return u.toString();
  } catch {
    return url.replace(/(SharedAccessKey=)[^;]+/i, '$1***').replace(/\/\/([^:/]+):[^@]+@/, '//$1:***@');
  }
}
