import { evaluateRule, windowFrom, type CallMinute, type TenantSignals } from './alert-conditions';
import { parseOverrides, resolveParams } from './alert-rules';

const T0 = new Date('2026-06-01T12:00:00.000Z');
const minute = (n: number) => new Date(T0.getTime() + n * 60_000);

function row(n: number, fields: Partial<CallMinute>): CallMinute {
  return { tenantId: 't', provider: 'erpnext', connection: 'c1', operation: 'op', windowStart: minute(n), total: 0, failed: 0, latencySumMs: 0, lastErrorCode: null, lastErrorAt: null, lastSuccessAt: null, breakerState: 'closed', ...fields };
}
const signals = (calls: CallMinute[]): TenantSignals => ({ calls, reauth: [], deadLetters: [] });
const params = (rule: Parameters<typeof resolveParams>[0], overrides: unknown = {}) => resolveParams(rule, overrides).params;

describe('alert conditions', () => {
  it('a 5-minute window at 12:04:30 is the minutes 12:00 … 12:04; a call at 11:59 or after now is outside', () => {
    expect(windowFrom(new Date('2026-06-01T12:04:30.000Z'), 5)).toEqual(minute(0));
    const calls = [row(-1, { total: 10, failed: 10 }), row(0, { total: 3, failed: 3 }), row(4, { total: 3, failed: 3 }), row(5, { total: 10, failed: 10 })];
    const [hit] = evaluateRule('failures_burst', params('failures_burst'), signals(calls), new Date('2026-06-01T12:04:30.000Z'));
    expect(hit).toMatchObject({ subject: 'erpnext/c1', value: 6, threshold: 5, severity: 'warning', labels: { provider: 'erpnext', connection: 'c1' } });
  });

  it('failures_burst needs more than the threshold; operations of one connection add up, connections do not', () => {
    const now = minute(1);
    const five = [row(0, { total: 5, failed: 3, operation: 'a' }), row(0, { total: 2, failed: 2, operation: 'b' }), row(0, { total: 5, failed: 5, connection: 'c2' })];
    expect(evaluateRule('failures_burst', params('failures_burst'), signals(five), now)).toEqual([]);
    expect(evaluateRule('failures_burst', params('failures_burst'), signals([...five, row(1, { total: 1, failed: 1, operation: 'a' })]), now).map((f) => f.subject)).toEqual(['erpnext/c1']);
  });

  it('error_rate and avg_latency wait for minCalls', () => {
    const now = minute(0);
    expect(evaluateRule('error_rate', params('error_rate'), signals([row(0, { total: 9, failed: 9 })]), now)).toEqual([]);
    expect(evaluateRule('error_rate', params('error_rate'), signals([row(0, { total: 10, failed: 1 })]), now)).toEqual([]); // 10 % is not above 10 %
    expect(evaluateRule('error_rate', params('error_rate'), signals([row(0, { total: 10, failed: 2 })]), now)).toMatchObject([{ value: 0.2, threshold: 0.1 }]);
    expect(evaluateRule('avg_latency', params('avg_latency'), signals([row(0, { total: 9, latencySumMs: 90_000 })]), now)).toEqual([]);
    expect(evaluateRule('avg_latency', params('avg_latency', { minCalls: 5 }), signals([row(0, { total: 9, latencySumMs: 90_000 })]), now)).toMatchObject([{ value: 10_000, threshold: 5_000 }]);
  });

  it('auth_failures and rate_limited count the failures of minutes whose latest failure was of their class', () => {
    const now = minute(2);
    const calls = [row(0, { total: 4, failed: 2, lastErrorCode: 'auth' }), row(1, { total: 4, failed: 3, lastErrorCode: 'rate_limit' }), row(2, { total: 4, failed: 2, lastErrorCode: 'rate_limit', operation: 'b' })];
    expect(evaluateRule('auth_failures', params('auth_failures'), signals(calls), now)).toMatchObject([{ value: 2, severity: 'critical' }]);
    expect(evaluateRule('rate_limited', params('rate_limited'), signals(calls), now)).toMatchObject([{ value: 5 }]);
    expect(evaluateRule('rate_limited', params('rate_limited', { threshold: 6 }), signals(calls), now)).toEqual([]);
  });

  it("breaker_open follows the connection's latest call, across operations", () => {
    const now = minute(3);
    const open = row(1, { total: 3, failed: 3, lastErrorCode: 'circuit_open', lastErrorAt: new Date(minute(1).getTime() + 5_000), breakerState: 'open' });
    expect(evaluateRule('breaker_open', params('breaker_open'), signals([open]), now)).toMatchObject([{ subject: 'erpnext/c1', value: 3 }]);
    const closedLater = row(2, { total: 1, operation: 'other', lastSuccessAt: new Date(minute(2).getTime() + 1_000), breakerState: 'closed' });
    expect(evaluateRule('breaker_open', params('breaker_open'), signals([open, closedLater]), now)).toEqual([]);
    expect(evaluateRule('breaker_open', params('breaker_open'), signals([open]), minute(7))).toEqual([]);
  });

  it('reauth_required is per connection; dead_letters_growing per subscription over its own window', () => {
    const s: TenantSignals = {
      calls: [],
      reauth: [{ id: 'id-1', tenantId: 't', name: 'page', typeSlug: 'linkedin' }],
      deadLetters: [
        { tenantId: 't', subscription: 'erp-worker', minute: minute(-20), count: 50 },
        { tenantId: 't', subscription: 'erp-worker', minute: minute(-10), count: 6 },
        { tenantId: 't', subscription: 'erp-worker', minute: minute(0), count: 4 },
        { tenantId: 't', subscription: 'crm-worker', minute: minute(0), count: 9 },
      ],
    };
    expect(evaluateRule('reauth_required', params('reauth_required'), s, minute(0))).toMatchObject([{ subject: 'id-1', severity: 'critical', labels: { provider: 'linkedin' } }]);
    expect(evaluateRule('dead_letters_growing', params('dead_letters_growing'), s, minute(0))).toMatchObject([{ subject: 'erp-worker', value: 10 }]);
  });
});

describe('alert rule params', () => {
  it('keeps only the keys given, refuses unknown keys and out-of-range values', () => {
    expect(parseOverrides('error_rate', { threshold: 0.2 })).toEqual({ ok: true, overrides: { threshold: 0.2 } });
    expect(parseOverrides('error_rate', { threshold: 20 })).toMatchObject({ ok: false, message: expect.stringContaining('params.threshold') });
    expect(parseOverrides('failures_burst', { thresholdMs: 3 })).toMatchObject({ ok: false });
    expect(parseOverrides('reauth_required', { windowMinutes: 5 })).toMatchObject({ ok: false });
    expect(parseOverrides('avg_latency', { severity: 'page-me' })).toMatchObject({ ok: false });
  });

  it('resolves defaults + overrides; stored params that no longer validate fall back to the defaults', () => {
    expect(resolveParams('error_rate', { minCalls: 50, severity: 'critical' })).toEqual({ params: expect.objectContaining({ windowMinutes: 5, threshold: 0.1, minCalls: 50, severity: 'critical' }), invalid: false });
    expect(resolveParams('error_rate', { threshold: 'x' })).toEqual({ params: expect.objectContaining({ threshold: 0.1, minCalls: 10 }), invalid: true });
    expect(resolveParams('dead_letters_growing', {}).params).toMatchObject({ windowMinutes: 15, threshold: 10 });
  });
});
