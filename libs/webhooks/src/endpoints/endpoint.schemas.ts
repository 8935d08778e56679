import { z } from 'zod';
import { SchemeNames, type SchemeName } from '@junction/security';
import { compileRoutes } from '../routing/compile-routes';
import { routeRulesSchema } from '../routing/route-rule';
import { RouteCompileError } from '../routing/routing.errors';
import { EndpointError } from './endpoint.types';
import { isUsableSecret, schemeOptionsSchema } from './scheme-rules';

const KiB = 1024;
const MiB = 1024 * KiB;

export const endpointIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and dashes (2-63, not starting with a dash)');
const providerSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'lower-case letters, digits and dashes (1-32, not starting with a dash)');
const schemeSchema = z.enum(SchemeNames);
export const secretValueSchema = z.string().min(1).max(1000);
const rateLimitSchema = z.strictObject({
  perSecond: z.number().positive().max(1_000_000),
  burst: z.number().int().min(1).max(1_000_000),
});
const description = z.string().max(500);
const toleranceSeconds = z.number().int().min(0).max(86_400);
const futureToleranceSeconds = z.number().int().min(0).max(3_600);
const bodyLimitBytes = z.number().int().min(KiB).max(10 * MiB);
/** The rules' shape, and every mapping compiles (JSONata syntax), so a broken route is a 400 now, not a dead letter later. */
const routesSchema = routeRulesSchema.superRefine((rules, ctx) => {
  try {
    compileRoutes(rules);
  } catch (error) {
    if (!(error instanceof RouteCompileError)) throw error;
    ctx.addIssue({ code: 'custom', path: [rules.findIndex((r) => r.name === error.route), 'mapping'], message: error.message });
  }
});

/** POST: a new endpoint with 1-5 secrets. Without `id` the service picks a random uuid. */
export const endpointCreateSchema = z
  .strictObject({
    id: endpointIdSchema.optional(),
    provider: providerSchema,
    scheme: schemeSchema,
    schemeOptions: schemeOptionsSchema.optional(),
    secrets: z.array(secretValueSchema).min(1).max(5),
    description: description.optional(),
    toleranceSeconds: toleranceSeconds.default(300),
    futureToleranceSeconds: futureToleranceSeconds.default(60),
    bodyLimitBytes: bodyLimitBytes.default(256 * KiB),
    rateLimit: rateLimitSchema.optional(),
    routes: routesSchema.default([]),
  })
  .superRefine((input, ctx) => {
    checkSchemeOptions(input.scheme, input.schemeOptions, ctx);
    input.secrets.forEach((secret, index) => {
      if (!isUsableSecret(input.scheme, secret)) ctx.addIssue({ code: 'custom', path: ['secrets', index], message: unusableSecret(input.scheme) });
      else if (input.secrets.indexOf(secret) !== index) ctx.addIssue({ code: 'custom', path: ['secrets', index], message: 'repeats an earlier secret' });
    });
  });
export type EndpointCreateInput = z.infer<typeof endpointCreateSchema>;

/**
 * PATCH: settings only (secrets rotate through addSecret/removeSecret). `null` clears description and
 * rateLimit. Whether `scheme` and `schemeOptions` fit together is checked against the stored endpoint.
 */
export const endpointUpdateSchema = z
  .strictObject({
    provider: providerSchema.optional(),
    scheme: schemeSchema.optional(),
    schemeOptions: schemeOptionsSchema.optional(),
    description: description.nullable().optional(),
    toleranceSeconds: toleranceSeconds.optional(),
    futureToleranceSeconds: futureToleranceSeconds.optional(),
    bodyLimitBytes: bodyLimitBytes.optional(),
    rateLimit: rateLimitSchema.nullable().optional(),
    routes: routesSchema.optional(),
    disabled: z.boolean().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change');
export type EndpointUpdateInput = z.infer<typeof endpointUpdateSchema>;

/** Rotation: the new secret, and when the previously active ones stop verifying (null: they stay). */
export const secretAddSchema = z.strictObject({
  secret: secretValueSchema,
  expirePreviousAfterSeconds: z.number().int().min(0).max(30 * 86_400).nullable().default(86_400),
});
export type SecretAddInput = z.infer<typeof secretAddSchema>;

/** generic-hmac needs its options; every other scheme takes none. */
export function checkSchemeOptions(scheme: SchemeName, options: unknown, ctx: z.RefinementCtx): void {
  if (scheme === 'generic-hmac' && options === undefined) ctx.addIssue({ code: 'custom', path: ['schemeOptions'], message: 'required for generic-hmac' });
  if (scheme !== 'generic-hmac' && options !== undefined) ctx.addIssue({ code: 'custom', path: ['schemeOptions'], message: `only generic-hmac takes options, not ${scheme}` });
}

export function unusableSecret(scheme: SchemeName): string {
  return `not usable as a ${scheme} signing secret`;
}

/**
 * Parses or throws VALIDATION_FAILED naming each path and rule. Zod's messages name the rule, never the
 * input value, so a secret that fails validation does not come back in the error.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw validationFailed(result.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(body)'}: ${i.message}`).join('; '));
}

export function validationFailed(message: string): EndpointError {
  return new EndpointError('VALIDATION_FAILED', 400, message);
}
