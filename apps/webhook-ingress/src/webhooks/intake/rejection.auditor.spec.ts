import type { AuditEventRepository, NewAuditEvent } from '@junction/persistence';
import { AGGREGATE_EVERY_MS, INDIVIDUAL_PER_WINDOW, MAX_KEYS, REJECTION_WINDOW_MS, RejectionAuditor, type Rejection } from './rejection.auditor';

/** The auditor with its repository faked at the port: which rows it writes, not how they are stored. */
describe('RejectionAuditor sampling', () => {
  const WINDOW_START = Date.UTC(2026, 0, 1, 12, 0, 0);
  let rows: NewAuditEvent[];
  let auditor: RejectionAuditor;

  beforeEach(() => {
    jest.useFakeTimers({ now: WINDOW_START + 1_000 });
    rows = [];
    auditor = new RejectionAuditor({ insertMany: async (batch: readonly NewAuditEvent[]) => void rows.push(...batch) } as unknown as AuditEventRepository);
  });
  afterEach(() => jest.useRealTimers());

  const unknown = (n: number): Rejection => ({
    endpointId: `random-${n}`,
    provider: `p-${n}`,
    code: 'ENDPOINT_NOT_FOUND',
    status: 404,
    message: `no webhook endpoint p-${n}/random-${n}`,
    requestId: `req-${n}`,
    remoteAddress: '203.0.113.9',
  });
  const badSignature = (endpointId: string, n = 0): Rejection => ({
    endpointId,
    provider: 'stripe',
    tenantId: 't1',
    code: 'INVALID_SIGNATURE',
    status: 401,
    message: 'no signature matches',
    requestId: `req-${n}`,
  });
  const count = (row: NewAuditEvent) => (row.detail as { count: number }).count;
  const total = () => rows.reduce((sum, row) => sum + count(row), 0);

  it('writes the first rejections of a window one by one and the rest as one aggregate with its count', async () => {
    for (let i = 0; i < 1_000; i++) auditor.record(unknown(i));
    await auditor.flush();
    expect(rows).toHaveLength(INDIVIDUAL_PER_WINDOW);
    expect(rows[0]).toMatchObject({ action: 'webhook.rejected', subject: 'random-0', outcome: 'ENDPOINT_NOT_FOUND', detail: { count: 1, provider: 'p-0', requestId: 'req-0' } });

    jest.advanceTimersByTime(AGGREGATE_EVERY_MS); // the interval ends with no further request
    await auditor.flush();
    expect(rows).toHaveLength(INDIVIDUAL_PER_WINDOW + 1);
    const aggregate = rows.at(-1)!;
    expect(aggregate).toMatchObject({
      action: 'webhook.rejected',
      subject: null,
      tenantId: null,
      outcome: 'ENDPOINT_NOT_FOUND',
      detail: { count: 1_000 - INDIVIDUAL_PER_WINDOW, aggregate: 'unknown-endpoint', status: 404, intervalStart: new Date(WINDOW_START).toISOString() },
    });
    // Attacker-chosen segments do not reach the aggregate.
    expect(JSON.stringify(aggregate)).not.toMatch(/random-|p-\d/);
    expect(total()).toBe(1_000);
  });

  it('samples again in the next window, and closes the previous one when a request rolls it over', async () => {
    for (let i = 0; i < 50; i++) auditor.record(unknown(i));
    jest.setSystemTime(WINDOW_START + REJECTION_WINDOW_MS + 5);
    for (let i = 50; i < 100; i++) auditor.record(unknown(i));
    await auditor.flush({ closeInterval: true });
    expect(rows.filter((r) => (r.detail as { aggregate?: string }).aggregate)).toHaveLength(2);
    expect(rows).toHaveLength(2 * (INDIVIDUAL_PER_WINDOW + 1));
    expect(total()).toBe(100);
  });

  it('writes one aggregate per interval within a window, and samples only at the start of the window', async () => {
    for (let i = 0; i < 30; i++) auditor.record(unknown(i));
    jest.setSystemTime(WINDOW_START + AGGREGATE_EVERY_MS + 5);
    for (let i = 30; i < 60; i++) auditor.record(unknown(i));
    await auditor.flush({ closeInterval: true });
    expect(rows.map(count)).toEqual([...Array<number>(INDIVIDUAL_PER_WINDOW).fill(1), 20, 30]);
  });

  it('keys known endpoints by endpoint and code, naming the endpoint and its tenant in the aggregate', async () => {
    for (let i = 0; i < 30; i++) auditor.record(badSignature('shop-a', i));
    for (let i = 0; i < 12; i++) auditor.record(badSignature('shop-b', i));
    auditor.record({ ...badSignature('shop-a'), code: 'TIMESTAMP_OUT_OF_TOLERANCE' });
    await auditor.flush({ closeInterval: true });
    const aggregates = rows.filter((r) => (r.detail as { aggregate?: string }).aggregate);
    expect(aggregates).toEqual([
      expect.objectContaining({ subject: 'shop-a', tenantId: 't1', outcome: 'INVALID_SIGNATURE', detail: expect.objectContaining({ count: 20, aggregate: 'endpoint', provider: 'stripe' }) }),
      expect.objectContaining({ subject: 'shop-b', tenantId: 't1', outcome: 'INVALID_SIGNATURE', detail: expect.objectContaining({ count: 2 }) }),
    ]);
    expect(rows).toHaveLength(2 * (INDIVIDUAL_PER_WINDOW + 1) + 1);
    expect(total()).toBe(43);
  });

  it('bounds its keys: past MAX_KEYS endpoints, rejections share one overflow key per code, counts kept', async () => {
    const endpoints = MAX_KEYS + 500;
    for (let e = 0; e < endpoints; e++) for (let i = 0; i < 2; i++) auditor.record(badSignature(`ep-${e}`, i));
    await auditor.flush({ closeInterval: true });
    const overflow = rows.filter((r) => (r.detail as { aggregate?: string }).aggregate === 'overflow');
    expect(overflow).toEqual([expect.objectContaining({ subject: null, tenantId: null, outcome: 'INVALID_SIGNATURE' })]);
    expect(rows.length).toBeLessThanOrEqual(MAX_KEYS * 2 + INDIVIDUAL_PER_WINDOW + 1);
    expect(total()).toBe(endpoints * 2);
  });

  it('stores path segments bounded and without NUL, and nothing but the listed fields', async () => {
    auditor.record({ ...unknown(1), endpointId: `x\u0000${'y'.repeat(1_000)}` });
    await auditor.flush();
    expect(rows[0]!.subject).toHaveLength(300);
    expect(rows[0]!.subject).not.toContain('\u0000');
    expect(Object.keys(rows[0]!.detail as object).sort()).toEqual(['count', 'message', 'provider', 'remoteAddress', 'requestId', 'status']);
  });
});
