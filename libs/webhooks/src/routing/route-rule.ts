import { z } from 'zod';
import { isMessageType, Messages } from '@junction/contracts';

/**
 * A routing rule of a webhook endpoint: events whose type matches one of `eventTypes` (globs: `*` matches any
 * run of characters, e.g. `orders/*`) are mapped by the JSONata expression `mapping` into the payload of
 * `command`. The expression sees the provider's payload as its input and `$event` = { id, type, provider,
 * endpointId, receivedAt, headers }; it returns one payload object, an array of them, or nothing (no command).
 */
export const routeRuleSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes'),
  eventTypes: z.array(z.string().min(1).max(200)).min(1).max(50),
  command: z.string().refine((type) => isMessageType(type) && Messages[type].kind === 'command', 'must be a command type Junction knows'),
  mapping: z.string().min(1).max(20_000),
});
export type RouteRule = z.infer<typeof routeRuleSchema>;

export const routeRulesSchema = z
  .array(routeRuleSchema)
  .max(50)
  .refine((rules) => new Set(rules.map((r) => r.name)).size === rules.length, 'route names must be unique within an endpoint');
