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
  payload: z.unknown(),
});

export type Envelope<TPayload = unknown, TType extends string = string> = Omit<
  z.infer<typeof envelopeSchema>,
  'payload' | 'type'
> & { type: TType; payload: TPayload };
