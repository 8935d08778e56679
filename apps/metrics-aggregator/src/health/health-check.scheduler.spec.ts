import type { ConnectionHealthCheckRepository } from './connection-health.repository';
import { HealthCheckScheduler, type HealthSchedule } from './health-check.scheduler';
import type { RunHealthCheckHandler } from './usecases/run-health-check/run-health-check.handler';

const SCHEDULE: HealthSchedule = { enabled: false, intervalMs: 300_000, jitterRatio: 0.1, pollMs: 20, concurrency: 3 };

/** The loop with its ports faked: slots, shutdown, failures. The claim itself is proven on Postgres (health.int-spec). */
function harness(schedule: Partial<HealthSchedule> = {}) {
  let due = 0;
  const claimDue = jest.fn(async (limit: number) => {
    const n = Math.min(limit, due);
    due -= n;
    return Array.from({ length: n }, (_, i) => ({ id: `c${due + i}`, tenantId: 't' }));
  });
  const pending: Array<() => void> = [];
  const execute = jest.fn(() => new Promise<null>((resolve) => pending.push(() => resolve(null))));
  const scheduler = new HealthCheckScheduler({ claimDue } as unknown as ConnectionHealthCheckRepository, { execute } as unknown as RunHealthCheckHandler, { ...SCHEDULE, ...schedule });
  return { scheduler, claimDue, execute, pending, setDue: (n: number) => (due = n), finishAll: () => pending.splice(0).forEach((f) => f()) };
}

describe('HealthCheckScheduler', () => {
  it('claims only as many connections as it has free slots', async () => {
    const h = harness();
    h.setDue(5);
    expect(await h.scheduler.poll()).toBe(3);
    expect(h.claimDue).toHaveBeenLastCalledWith(3, 300_000, 0.1);
    expect(await h.scheduler.poll()).toBe(0); // all three slots busy: nothing claimed, the database not even asked
    expect(h.claimDue).toHaveBeenCalledTimes(1);
    h.pending.shift()!(); // one check settles: its slot is free again
    await new Promise((r) => setImmediate(r));
    expect(await h.scheduler.poll()).toBe(1);
    expect(h.execute).toHaveBeenCalledTimes(4);
    h.finishAll();
    await h.scheduler.idle();
  });

  it('a check that throws is logged and frees its slot', async () => {
    const h = harness({ concurrency: 1 });
    h.execute.mockImplementationOnce(() => Promise.reject(new Error('database went away')));
    h.setDue(2);
    expect(await h.scheduler.poll()).toBe(1);
    await h.scheduler.idle();
    expect(await h.scheduler.poll()).toBe(1);
    h.finishAll();
    await h.scheduler.idle();
  });

  it('runs on its own when enabled, and shutdown waits for the checks in flight and claims nothing more', async () => {
    const h = harness({ enabled: true });
    h.setDue(2);
    h.scheduler.onApplicationBootstrap();
    await waitFor(() => h.execute.mock.calls.length === 2);
    let stopped = false;
    const stopping = h.scheduler.beforeApplicationShutdown().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 60));
    expect(stopped).toBe(false); // two checks still in flight
    h.setDue(4);
    h.finishAll();
    await stopping;
    expect(stopped).toBe(true);
    const claims = h.claimDue.mock.calls.length;
    await new Promise((r) => setTimeout(r, 60));
    expect(h.claimDue).toHaveBeenCalledTimes(claims);
    expect(await h.scheduler.poll()).toBe(0);
  });

  it('a failed claim (database down) does not stop the loop', async () => {
    const h = harness({ enabled: true });
    h.claimDue.mockRejectedValueOnce(new Error('connection refused'));
    h.setDue(1);
    h.scheduler.onApplicationBootstrap();
    await waitFor(() => h.execute.mock.calls.length === 1);
    expect(h.claimDue.mock.calls.length).toBeGreaterThanOrEqual(2);
    h.finishAll();
    await h.scheduler.beforeApplicationShutdown();
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
