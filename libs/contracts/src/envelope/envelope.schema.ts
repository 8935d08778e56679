import { z } from 'zod';

/**
 * The one envelope every message travels in. `id` is also the broker messageId, so the broker's own
 * duplicate detection (Service Bus) and our idempotent-consumer guard key on the same value.
 */
export const envelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().min(1).max(200),
  version: z.number().int().positive(),
  tenantId: z.string().min(1).max(100),
  correlationId: z.string().min(1).max(200),
  causationId: z.string().min(1).max(200).optional(),
  occurredAt: z.iso.datetime({ offset: true }),
  /**
   * Optional: by when the sender needs the effect. Workers pass it to the resilience pipeline as the total
   * deadline of the provider calls; past it they stop retrying.
   */
  deadline: z.iso.datetime({ offset: true }).optional(),
  /**
   * Optional, commands only: the tenant's connection (libs/integrations) the worker must call the provider through.
   * Absent: the tenant's default connection of that provider. On the envelope rather than in each payload so that
   * every worker resolves it the same way; workers that predate it ignore it (unknown keys are stripped).
   */
  connectionId: z.uuid().optional(),
  payload: z.unknown(),
});

export type Envelope<TPayload = unknown, TType extends string = string> = Omit<
  z.infer<typeof envelopeSchema>,
  'payload' | 'type'
> & { type: TType; payload: TPayload };
