/** Test fixtures (specs only): call records with known outcomes and latencies, and exact quantiles to compare with. */
import { createMessage, type MessageOf, type MessagePayload } from '@junction/contracts';

export type CallPayload = MessagePayload<'integration.call.recorded'>;

/** A deterministic spread of latencies (ms): mostly 20–200, a tail to ~2 s. Same seed, same values. */
export function latencies(n: number, seed: number): number[] {
  let state = seed >>> 0;
  const next = () => ((state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32);
  return Array.from({ length: n }, () => {
    const u = next();
    return Math.round((u < 0.9 ? 20 + 180 * next() : 200 + 1_800 * next()) * 10) / 10;
  });
}

/** The q-quantile the way DDSketch ranks (rank = q·(n − 1), the lower value), for comparing within its accuracy. */
export function exactQuantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

export function callRecord(tenantId: string, payload: Partial<CallPayload> & Pick<CallPayload, 'occurredAt' | 'latencyMs'>): MessageOf<'integration.call.recorded'> {
  return createMessage(
    'integration.call.recorded',
    { provider: 'erpnext', connection: 'conn-a', operation: 'customer.create', outcome: 'success', attempt: 1, breakerState: 'closed', degraded: false, ...payload },
    { tenantId },
  );
}
