import { exactQuantile, latencies } from '../testing/call-records.fixture';
import { SKETCH_RELATIVE_ACCURACY } from './latency-sketch';
import { foldCalls, fromRow, keyString, mergeInto, toRow, windowStart, type CallRecorded } from './window-aggregate';

const call = (over: Partial<CallRecorded>): CallRecorded => ({
  provider: 'erpnext',
  connection: 'c1',
  operation: 'op',
  outcome: 'success',
  latencyMs: 10,
  attempt: 1,
  breakerState: 'closed',
  degraded: false,
  occurredAt: '2026-01-01T10:03:15.000Z',
  ...over,
});

describe('window aggregate', () => {
  it('puts a call in its minute and its hour by occurredAt', () => {
    expect(windowStart(new Date('2026-01-01T10:03:59.999Z'), '1m').toISOString()).toBe('2026-01-01T10:03:00.000Z');
    expect(windowStart(new Date('2026-01-01T10:03:59.999Z'), '1h').toISOString()).toBe('2026-01-01T10:00:00.000Z');
    const states = [...foldCalls([{ tenantId: 't', payload: call({}) }, { tenantId: 't', payload: call({ occurredAt: '2026-01-01T10:04:01.000Z' }) }]).values()];
    expect(states.map((s) => [s.windowSize, s.windowStart.toISOString(), s.total])).toEqual([
      ['1m', '2026-01-01T10:03:00.000Z', 1],
      ['1h', '2026-01-01T10:00:00.000Z', 2],
      ['1m', '2026-01-01T10:04:00.000Z', 1],
    ]);
  });

  it('counts outcomes, uptime only against availability failures, and keeps the latest error without provider text', () => {
    const [minute] = foldCalls([
      { tenantId: 't', payload: call({ outcome: 'success', occurredAt: '2026-01-01T10:03:30.000Z' }) },
      { tenantId: 't', payload: call({ outcome: 'server', httpStatus: 503, occurredAt: '2026-01-01T10:03:10.000Z' }) },
      { tenantId: 't', payload: call({ outcome: 'validation', httpStatus: 422, attempt: 2, occurredAt: '2026-01-01T10:03:20.000Z', breakerState: 'half-open' }) },
      { tenantId: 't', payload: call({ outcome: 'success', occurredAt: '2026-01-01T10:03:05.000Z', breakerState: 'open' }) },
    ]).values();
    const row = toRow(minute!);
    expect(row).toMatchObject({ total: 4, successful: 2, failed: 2, unavailable: 1, errorRate: 0.5, uptimePct: 75, lastErrorCode: 'validation', lastErrorStatus: 422 });
    expect(row.lastErrorMessage).toBe('validation failure (HTTP 422) on attempt 2');
    expect(row.lastSuccessAt?.toISOString()).toBe('2026-01-01T10:03:30.000Z');
    expect(row.breakerState).toBe('closed');
  });

  it('merging stored halves equals folding everything at once, quantiles within the sketch accuracy', () => {
    const values = latencies(2_000, 7);
    const calls = values.map((latencyMs, i) => ({ tenantId: 't', payload: call({ latencyMs, outcome: i % 10 === 0 ? 'timeout' : 'success' }) }));
    const whole = toRow([...foldCalls(calls).values()][0]!);
    const first = toRow([...foldCalls(calls.slice(0, 700)).values()][0]!);
    const second = [...foldCalls(calls.slice(700)).values()][0]!;
    const merged = toRow(mergeInto(fromRow(first), second));
    expect(keyString(merged)).toBe(keyString(whole));
    expect(merged).toMatchObject({ total: 2_000, failed: 200, unavailable: 200, errorRate: 0.1, latencyMaxMs: Math.max(...values) });
    expect(merged.avgLatencyMs).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
    for (const [q, field] of [[0.95, 'p95LatencyMs'], [0.99, 'p99LatencyMs']] as const) {
      const exact = exactQuantile(values, q);
      expect(Math.abs(merged[field] - exact) / exact).toBeLessThanOrEqual(SKETCH_RELATIVE_ACCURACY);
      expect(merged[field]).toBeCloseTo(whole[field], 9);
    }
  });
});
