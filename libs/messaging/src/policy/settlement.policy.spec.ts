import { IntegrationError } from '@junction/resilience';
import { MAX_RETRY_AFTER_MS, redeliveryDelayMs } from './retry.policy';
import { settlementForFailure } from './settlement.policy';

describe('settlement policy', () => {
  const err = (cls: ConstructorParameters<typeof IntegrationError>[0], retryAfterMs?: number) =>
    new IntegrationError(cls, `${cls} happened`, { provider: 'erpnext', operation: 'customer.create', retryAfterMs });

  it.each(['validation', 'auth', 'forbidden', 'conflict', 'not_found', 'client'] as const)('dead-letters a permanent %s error at once', (cls) => {
    const s = settlementForFailure(err(cls), 1);
    expect(s).toEqual({ action: 'dead-letter', reason: err(cls).code, description: `${cls} happened`, errorClass: cls });
  });

  it.each(['network', 'timeout', 'rate_limit', 'server', 'circuit_open'] as const)('retries a %s error with a bounded delay', (cls) => {
    const s = settlementForFailure(err(cls), 3);
    expect(s.action).toBe('retry');
    if (s.action === 'retry') {
      expect(s.delayMs).toBeGreaterThanOrEqual(0);
      expect(s.delayMs).toBeLessThan(4_000);
      expect(s.reason).toBe(err(cls).code);
    }
  });

  it('retries an unclassified error (a bug or an unexpected throw) rather than dropping it', () => {
    expect(settlementForFailure(new Error('boom'), 1)).toMatchObject({ action: 'retry', reason: 'HANDLER_FAILED', description: 'boom' });
    expect(settlementForFailure('a string', 1)).toMatchObject({ action: 'retry', description: 'a string' });
  });

  it('honours Retry-After when it asks for longer than the backoff', () => {
    const s = settlementForFailure(err('rate_limit', 42_000), 1);
    expect(s).toMatchObject({ action: 'retry', delayMs: 42_000 });
  });

  it('waits for a daily quota\'s reset in one redelivery (up to 25 h), not hourly', () => {
    const untilMidnight = 23 * 60 * 60_000;
    expect(settlementForFailure(err('rate_limit', untilMidnight), 1)).toMatchObject({ action: 'retry', delayMs: untilMidnight, errorClass: 'rate_limit' });
    expect(settlementForFailure(err('rate_limit', 90 * 24 * 60 * 60_000), 1)).toMatchObject({ action: 'retry', delayMs: MAX_RETRY_AFTER_MS });
  });

  it('backs off exponentially with full jitter under a cap', () => {
    const opts = { baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(redeliveryDelayMs(1, opts, undefined, () => 0.999)).toBe(99);
    expect(redeliveryDelayMs(3, opts, undefined, () => 0.999)).toBe(399);
    expect(redeliveryDelayMs(50, opts, undefined, () => 0.999)).toBe(999);
    expect(redeliveryDelayMs(50, opts, undefined, () => 0)).toBe(0);
  });
});
