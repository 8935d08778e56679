import type { BatchRun } from '@junction/persistence';
import { toRunView } from './run.view';

const run = (over: Partial<BatchRun>): BatchRun =>
  ({
    id: 'r1', tenantId: 't', scheduleId: null, scheduledFor: null, job: 'csv.import', params: {}, status: 'running', total: null, processed: 0, succeeded: 0, failed: 0, skipped: 0,
    cursor: null, result: null, error: null, leaseOwner: null, heartbeatAt: null, startedAt: null, finishedAt: null, createdAt: new Date('2026-01-01T00:00:00Z'), updatedAt: new Date('2026-01-01T00:00:00Z'),
    ...over,
  }) as BatchRun;
const now = new Date('2026-01-01T00:01:40Z');

describe('run view: rate, ETA, percent', () => {
  it('a running run with a total: items per second since it started, seconds left at that rate', () => {
    const view = toRunView(run({ startedAt: new Date('2026-01-01T00:00:00Z'), total: 1_000, processed: 250 }), 3, now);
    expect(view).toMatchObject({ ratePerSecond: 2.5, etaSeconds: 300, percent: 25, rowErrors: 3 });
  });

  it('no ETA without a total, before the start, or once finished (the rate then covers start to finish)', () => {
    expect(toRunView(run({ startedAt: new Date('2026-01-01T00:00:00Z'), processed: 50 }), 0, now)).toMatchObject({ ratePerSecond: 0.5, etaSeconds: null, percent: null });
    expect(toRunView(run({ status: 'queued', total: 10 }), 0, now)).toMatchObject({ ratePerSecond: null, etaSeconds: null, percent: 0 });
    const done = toRunView(run({ status: 'succeeded', total: 100, processed: 100, startedAt: new Date('2026-01-01T00:00:00Z'), finishedAt: new Date('2026-01-01T00:00:20Z') }), null, now);
    expect(done).toMatchObject({ ratePerSecond: 5, etaSeconds: null, percent: 100, rowErrors: null });
  });
});
