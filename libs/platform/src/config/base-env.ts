import { z } from 'zod';

/** `true`/`false`/`1`/`0` from the environment; anything else is an error, not silently false. */
export const envBoolean = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const port = z.coerce.number().int().min(0).max(65_535);
const url = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `must be a URL (${protocols.join(' or ')})`);

/**
 * What every app reads from its environment. Each app extends it in its own config/env.ts and parses once at
 * start; nothing else reads process.env.
 */
export const baseEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().default('0.0.0.0'),
  PORT: port.optional(),
  TENANT_ID: z.string().min(1).default('default'),
  BUS: z.enum(['memory', 'rabbitmq', 'servicebus']).default('memory'),
  RABBITMQ_URL: url(['amqp:', 'amqps:']).optional(),
  SERVICE_BUS_CONNECTION_STRING: z.string().includes('Endpoint=', { message: 'must be a Service Bus connection string (Endpoint=sb://…)' }).optional(),
  SERVICE_BUS_PROVISION: envBoolean.optional(),
  /** Largest message the bus takes; default per transport (Service Bus Standard and memory 256 KiB, RabbitMQ 16 MiB). */
  BUS_MAX_MESSAGE_BYTES: z.coerce.number().int().min(1_024).optional(),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  MAX_DELIVERY_COUNT: z.coerce.number().int().min(1).max(100).default(10),
  CONSUMER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(25_000),
  OTEL_EXPORTER_OTLP_ENDPOINT: url(['http:', 'https:']).optional(),
});

export type BaseEnv = z.infer<typeof baseEnvSchema>;

/** Cross-field rules: the chosen bus needs its connection; a distributed app needs its database. */
export function refineBaseEnv(env: BaseEnv, ctx: z.RefinementCtx): void {
  if (env.BUS === 'rabbitmq' && !env.RABBITMQ_URL) {
    ctx.addIssue({ code: 'custom', path: ['RABBITMQ_URL'], message: 'required when BUS=rabbitmq' });
  }
  if (env.BUS === 'servicebus' && !env.SERVICE_BUS_CONNECTION_STRING) {
    ctx.addIssue({ code: 'custom', path: ['SERVICE_BUS_CONNECTION_STRING'], message: 'required when BUS=servicebus' });
  }
  if (!env.DATABASE_URL) {
    ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'required (npm start provides an embedded Postgres; a single app needs one)' });
  }
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Parses the environment once. On failure throws ConfigError whose message is one line naming every bad
 * variable and why, never echoing its value (it may be a secret).
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>, app: string): z.infer<S> {
  // An empty variable (FOO=) means unset, as shells and compose files usually intend.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new ConfigError(`${app}: invalid configuration: ${problems.join('; ')}`);
}
