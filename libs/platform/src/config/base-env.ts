import { z } from 'zod';
import type { PolicyOverride } from '@junction/resilience';

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

const positiveInt = z.number().int().min(1);
const rateLimitRule = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('token-bucket'), name: z.string().min(1).max(100), capacity: z.number().min(1), refillPerSecond: z.number().positive() }),
  z.strictObject({ kind: z.literal('quota'), name: z.string().min(1).max(100), limit: positiveInt, window: z.enum(['minute', 'hour', 'day']) }),
]);
const policyOverride = z.strictObject({
  timeouts: z.strictObject({ connectMs: positiveInt, attemptMs: positiveInt, totalMs: positiveInt }).partial().optional(),
  retry: z.strictObject({ maxAttempts: positiveInt.max(20), baseDelayMs: z.number().int().min(0), maxDelayMs: z.number().int().min(0) }).partial().optional(),
  breaker: z
    .strictObject({
      enabled: z.boolean(),
      errorThresholdPercentage: z.number().min(1).max(100),
      volumeThreshold: positiveInt,
      rollingWindowMs: positiveInt,
      resetTimeoutMs: positiveInt,
    })
    .partial()
    .optional(),
  /** Replaces the provider's rules; `[]` removes its limits. */
  rateLimits: z.array(rateLimitRule).max(10).optional(),
  fallback: z.strictObject({ cacheTtlMs: positiveInt, defaultValue: z.unknown(), alternativeConnection: z.string().min(1).max(200) }).partial().optional(),
}) satisfies z.ZodType<PolicyOverride>;

/**
 * PROVIDER_POLICY_OVERRIDES: JSON object of resilience policy changes keyed by provider (`erpnext`) or provider
 * and connection (`erpnext/<connection id>`, applied last), e.g. a site whose plan allows more than the default
 * quota: `{"erpnext":{"rateLimits":[{"kind":"quota","name":"erpnext-hourly","limit":20000,"window":"hour"}]}}`.
 * Unknown fields are errors (a typo must not silently keep the default).
 */
export const providerPolicyOverrides = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object ({"<provider>[/<connection>]": {…policy override…}})' });
      return z.NEVER;
    }
  })
  .pipe(
    z.record(z.string(), policyOverride).superRefine((overrides, ctx) => {
      for (const key of Object.keys(overrides)) {
        if (!/^[a-z0-9-]+(\/[^/\s]+)?$/.test(key)) ctx.addIssue({ code: 'custom', path: [key], message: 'keys are "<provider>" or "<provider>/<connection>"' });
      }
    }),
  );

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
  /** Resilience policy changes per provider or connection (see providerPolicyOverrides); pass to ResilienceModule `overrides`. */
  PROVIDER_POLICY_OVERRIDES: providerPolicyOverrides.optional(),
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
