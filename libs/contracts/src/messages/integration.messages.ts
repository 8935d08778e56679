import { z } from 'zod';
import { Topics } from '../topics/topics';
import { defineMessage } from './define-message';

/** Outcome of one attempt: 'success' or the error class of the failure (see the resilience taxonomy). */
export const callOutcomeSchema = z.enum([
  'success',
  'network',
  'timeout',
  'rate_limit',
  'server',
  'circuit_open',
  'client',
  'auth',
  'forbidden',
  'not_found',
  'conflict',
  'validation',
]);

/** One attempt of one external call, for metrics-aggregator. Telemetry, not business data. */
export const integrationCallRecorded = defineMessage({
  type: 'integration.call.recorded',
  kind: 'event',
  topic: Topics.integrationCalls,
  version: 1,
  payload: z.strictObject({
    provider: z.string().min(1),
    connection: z.string().min(1),
    operation: z.string().min(1),
    outcome: callOutcomeSchema,
    httpStatus: z.number().int().min(100).max(599).optional(),
    latencyMs: z.number().min(0),
    attempt: z.number().int().min(1),
    breakerState: z.enum(['closed', 'open', 'half-open']),
    degraded: z.boolean(),
    occurredAt: z.iso.datetime({ offset: true }),
    messageId: z.string().optional(),
  }),
});

/**
 * A connection's OAuth refresh failed for good (refresh token revoked, expired or rotated away): the connection is
 * now `reauth_required` and nothing calls the provider through it until a member re-authorizes. An operator alert
 * (ops.alerts); never carries a token or the provider's response body.
 */
export const integrationConnectionReauthRequired = defineMessage({
  type: 'integration.connection.reauth-required',
  kind: 'event',
  topic: Topics.opsAlerts,
  version: 1,
  payload: z.strictObject({
    connectionId: z.uuid(),
    typeSlug: z.string().min(1),
    name: z.string().min(1),
    /** The provider's OAuth error code (invalid_grant …) or the HTTP status class when it sent none. */
    reason: z.string().min(1).max(200),
    occurredAt: z.iso.datetime({ offset: true }),
  }),
  entityKey: (payload) => `connection:${payload.connectionId}`,
});
