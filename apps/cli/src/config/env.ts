import { z } from 'zod';
import { parseKeyRing, type KeyRing } from '@junction/security';
import { refineRetentionEnv, retentionEnvShape } from '../../../batch-scheduler/src/config/retention-env';
import { CliConfigError } from '../cli-errors';

/**
 * What the `junction` CLI reads from its environment, parsed once. Everything is optional: without
 * DATABASE_URL it finds the database of a running standalone Junction (or starts the embedded one on the data
 * dir); without JUNCTION_KEK it uses the key ring in the data dir, as standalone does.
 * TENANT_ID and DATABASE_URL follow libs/platform's base env; not imported from there, because loading
 * @junction/platform (Nest core, Fastify, OpenTelemetry) would add ~3 s to every command.
 */
export const cliEnvSchema = z.object({
  TENANT_ID: z.string().min(1).default('default'),
  DATABASE_URL: z
    .string()
    .refine((v) => /^postgres(ql)?:\/\//.test(v) && URL.canParse(v), 'must be a URL (postgres: or postgresql:)')
    .optional(),
  JUNCTION_DATA_DIR: z.string().min(1).default('.junction'),
  /** For `junction topology …`, the same as the apps' (libs/platform's base env). */
  BUS: z.enum(['memory', 'rabbitmq', 'servicebus']).default('memory'),
  RABBITMQ_URL: z.string().refine((v) => /^amqps?:\/\//.test(v) && URL.canParse(v), 'must be a URL (amqp: or amqps:)').optional(),
  SERVICE_BUS_CONNECTION_STRING: z.string().includes('Endpoint=', { message: 'must be a Service Bus connection string (Endpoint=sb://…)' }).optional(),
  SERVICE_BUS_PROVISION: z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1').optional(),
  MAX_DELIVERY_COUNT: z.coerce.number().int().min(1).max(100).default(10),
  /** `<id>:<base64 32 bytes>[,…]`, first entry active. Parsed here so a bad ring fails before anything runs. */
  JUNCTION_KEK: z
    .string()
    .transform((value, ctx): KeyRing => {
      try {
        return parseKeyRing(value);
      } catch (error: unknown) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    })
    .optional(),
  /** `junction connections add|test` of an mcp-stdio connection: the same allow-list as webhook-ingress's. */
  MCP_STDIO_COMMANDS: z.string().optional(),
  /** `junction retention run`: the same RETENTION_* settings (and checks) as batch-scheduler. */
  ...retentionEnvShape,
}).superRefine(refineRetentionEnv);

export type CliEnv = z.infer<typeof cliEnvSchema>;

/** One line naming every bad variable and why, never its value (CliConfigError, exit 78). Empty means unset. */
export function parseCliEnv(env: Readonly<Record<string, string | undefined>>): CliEnv {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = cliEnvSchema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new CliConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`).join('; '));
}
