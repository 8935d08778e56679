import { evaluateHealth, healthChanged, type CheckSample, type HealthInput, type HealthThresholds } from './health-status.rules';

const T: HealthThresholds = { downAfterFailures: 2, slowCheckMs: 2_000, errorRateThreshold: 0.1, latencyThresholdMs: 5_000, windowMinCalls: 10 };
const ok = (latencyMs = 40): CheckSample => ({ ok: true, latencyMs, errorClass: null, message: 'authenticated as sandbox' });
const failed = (errorClass = 'unreachable', message = 'HTTP 503'): CheckSample => ({ ok: false, latencyMs: 12, errorClass, message });
const input = (checks: CheckSample[], extra: Partial<HealthInput> = {}): HealthInput => ({ connectionStatus: 'connected', checks, windows: { total: 0, failed: 0, latencySumMs: 0 }, ...extra });
const codes = (i: HealthInput, t = T) => {
  const e = evaluateHealth(i, t);
  return [e.status, e.reasons.map((r) => r.code)];
};

describe('evaluateHealth', () => {
  it('is unknown without any check, and healthy after a passing one', () => {
    expect(codes(input([]))).toEqual(['unknown', ['NEVER_CHECKED']]);
    expect(evaluateHealth(input([ok()]), T)).toEqual({ status: 'healthy', reasons: [] });
  });

  it('degrades on one failed check and goes down when the last two failed; one pass recovers', () => {
    expect(codes(input([failed(), ok()]))).toEqual(['degraded', ['CHECK_FAILED']]);
    expect(codes(input([failed()]))).toEqual(['degraded', ['CHECK_FAILED']]);
    expect(codes(input([failed('timeout'), failed(), ok()]))).toEqual(['down', ['CHECKS_FAILING']]);
    expect(codes(input([ok(), failed(), failed()]))).toEqual(['healthy', []]);
    expect(evaluateHealth(input([failed('timeout', 'no answer within 10000 ms'), failed()]), T).reasons[0]!.message).toBe('the last 2 checks failed (latest: timeout: no answer within 10000 ms)');
  });

  it('follows downAfterFailures', () => {
    const three = { ...T, downAfterFailures: 3 };
    expect(codes(input([failed(), failed()]), three)).toEqual(['degraded', ['CHECK_FAILED']]);
    expect(codes(input([failed(), failed(), failed()]), three)).toEqual(['down', ['CHECKS_FAILING']]);
    expect(codes(input([failed()]), { ...T, downAfterFailures: 1 })).toEqual(['down', ['CHECKS_FAILING']]);
  });

  it('is down at once on an authentication failure or when re-authorization is required', () => {
    expect(codes(input([failed('auth', 'the API key or secret was rejected'), ok()]))).toEqual(['down', ['AUTH_FAILED', 'CHECK_FAILED']]);
    expect(codes(input([ok()], { connectionStatus: 'reauth_required' }))).toEqual(['down', ['REAUTH_REQUIRED']]);
    expect(codes(input([], { connectionStatus: 'reauth_required' }))).toEqual(['down', ['REAUTH_REQUIRED']]);
    // A permission failure is the key's rights, not its validity: one is degraded.
    expect(codes(input([failed('permission'), ok()]))).toEqual(['degraded', ['CHECK_FAILED']]);
  });

  it('degrades on a slow passing check, strictly above the threshold', () => {
    expect(codes(input([ok(2_000)]))).toEqual(['healthy', []]);
    expect(codes(input([ok(2_001)]))).toEqual(['degraded', ['SLOW_CHECK']]);
  });

  it('degrades on the windows’ error rate or average latency, once they hold enough calls', () => {
    const windows = (total: number, failedCalls: number, avgMs: number) => ({ windows: { total, failed: failedCalls, latencySumMs: total * avgMs } });
    expect(codes(input([ok()], windows(100, 10, 100)))).toEqual(['healthy', []]);
    expect(codes(input([ok()], windows(100, 11, 100)))).toEqual(['degraded', ['HIGH_ERROR_RATE']]);
    expect(codes(input([ok()], windows(100, 0, 5_001)))).toEqual(['degraded', ['HIGH_LATENCY']]);
    expect(codes(input([ok()], windows(9, 9, 9_000)))).toEqual(['healthy', []]);
    expect(evaluateHealth(input([ok()], windows(40, 20, 10)), T).reasons).toEqual([{ code: 'HIGH_ERROR_RATE', message: '50.0 % of 40 recent calls failed (threshold 10.0 %)' }]);
    // Down keeps the degraded reasons that also hold.
    expect(codes(input([failed(), failed()], windows(100, 60, 7_000)))).toEqual(['down', ['CHECKS_FAILING', 'HIGH_ERROR_RATE', 'HIGH_LATENCY']]);
  });
});

describe('healthChanged', () => {
  it('is true for another status or another set of reason codes, in any order', () => {
    expect(healthChanged({ status: 'unknown', codes: [] }, { status: 'healthy', reasons: [] })).toBe(true);
    expect(healthChanged({ status: 'healthy', codes: [] }, { status: 'healthy', reasons: [] })).toBe(false);
    const degraded = { status: 'degraded' as const, reasons: [{ code: 'HIGH_LATENCY' as const, message: 'm1' }, { code: 'CHECK_FAILED' as const, message: 'm2' }] };
    expect(healthChanged({ status: 'degraded', codes: ['CHECK_FAILED', 'HIGH_LATENCY'] }, degraded)).toBe(false);
    expect(healthChanged({ status: 'degraded', codes: ['CHECK_FAILED'] }, degraded)).toBe(true);
  });
});
