import type { ErpNextClient, ErpNextSandbox } from '@junction/connectors/erpnext';
import { IntegrationError } from '../errors/integration-error';
import { ctx, loggedUser, median, pipelineFor, startErpNext, testPolicy } from '../pipeline/erpnext-sandbox.fixture';
import type { ResiliencePipeline } from '../pipeline/resilience.pipeline';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('circuit breaker in the pipeline (ERPNext sandbox)', () => {
  let sandbox: ErpNextSandbox;
  let client: ErpNextClient;
  let pipeline: ResiliencePipeline | undefined;
  beforeAll(async () => ({ sandbox, client } = await startErpNext()));
  afterAll(() => sandbox.stop());
  beforeEach(() => sandbox.reset());
  afterEach(() => pipeline?.breaker.shutdown());

  async function tripOpen(resetTimeoutMs: number) {
    const built = pipelineFor(testPolicy({ retry: { maxAttempts: 1 }, breaker: { volumeThreshold: 5, errorThresholdPercentage: 50, resetTimeoutMs } }));
    pipeline = built.pipeline;
    sandbox.faults.set({ failNext: { count: 1_000, status: 503 } });
    let calls = 0;
    while (pipeline.breaker.state !== 'open' && calls < 20) {
      await pipeline.execute(ctx(), loggedUser(client)).catch(() => undefined);
      calls += 1;
    }
    return { ...built, pipeline, calls };
  }

  it('opens within the volume threshold when the provider is down, then fails fast without touching it', async () => {
    const { pipeline: p, observer, calls } = await tripOpen(5_000);
    expect(calls).toBe(5);
    expect(observer.changes).toEqual([{ from: 'closed', to: 'open' }]);
    const seen = sandbox.requests.length;

    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      const error = await p.execute(ctx(), loggedUser(client)).catch((e: unknown) => e);
      times.push(performance.now() - t0);
      expect(error).toBeInstanceOf(IntegrationError);
      expect((error as IntegrationError).errorClass).toBe('circuit_open');
      expect((error as IntegrationError).retryAfterMs).toBeLessThanOrEqual(5_000);
      expect((error as IntegrationError).retryAfterMs).toBeGreaterThan(4_000);
    }
    expect(median(times)).toBeLessThan(1);
    expect(sandbox.requests.length).toBe(seen);
    const last = observer.attempts.at(-1)!;
    expect([last.outcome, last.breakerState, last.attempt]).toEqual(['circuit_open', 'open', 1]);
  });

  it('counts successes too (the error rate is failures over all calls in the window), as fire() did', async () => {
    const built = pipelineFor(testPolicy({ retry: { maxAttempts: 1 }, breaker: { volumeThreshold: 5, errorThresholdPercentage: 50 } }));
    pipeline = built.pipeline;
    for (let i = 0; i < 5; i++) await pipeline.run(ctx(), loggedUser(client));
    sandbox.faults.set({ failNext: { count: 1_000, status: 503 } });
    // 5 failures of 10 calls is 50%, not over it; the 6th makes 6 of 11.
    for (let i = 0; i < 5; i++) await pipeline.run(ctx(), loggedUser(client)).catch(() => undefined);
    expect(pipeline.breaker.state).toBe('closed');
    await pipeline.run(ctx(), loggedUser(client)).catch(() => undefined);
    expect(pipeline.breaker.state).toBe('open');
    expect(built.observer.changes).toEqual([{ from: 'closed', to: 'open' }]);
  });

  it('does not open on client errors (validation 417), however many', async () => {
    const built = pipelineFor(testPolicy({ retry: { maxAttempts: 1 }, breaker: { volumeThreshold: 5 } }));
    pipeline = built.pipeline;
    sandbox.faults.set({ failNext: { count: 1_000, status: 417 } });
    for (let i = 0; i < 20; i++) await pipeline.execute(ctx(), loggedUser(client)).catch(() => undefined);
    expect(pipeline.breaker.state).toBe('closed');
    expect(sandbox.requests).toHaveLength(20);
  });

  it('half-opens after resetTimeout and lets exactly one probe through; its success closes the circuit', async () => {
    const { pipeline: p, observer } = await tripOpen(200);
    await sleep(250);
    expect(p.breaker.state).toBe('half-open');
    sandbox.reset();

    const [probe, other] = await Promise.allSettled([p.execute(ctx(), loggedUser(client)), p.execute(ctx(), loggedUser(client))]);
    expect(probe).toMatchObject({ status: 'fulfilled', value: { value: 'Administrator' } });
    expect(other).toMatchObject({ status: 'rejected', reason: { errorClass: 'circuit_open' } });
    expect(sandbox.requests).toHaveLength(1);
    expect(p.breaker.state).toBe('closed');
    expect(observer.changes.map((c) => c.to)).toEqual(['open', 'half-open', 'closed']);
    await expect(p.run(ctx(), loggedUser(client))).resolves.toBe('Administrator');
  });

  it('re-opens when the half-open probe fails, after a single request', async () => {
    const { pipeline: p, observer } = await tripOpen(200);
    await sleep(250);
    sandbox.reset();
    sandbox.faults.set({ failNext: { count: 1_000, status: 503 } });

    await expect(p.execute(ctx(), loggedUser(client))).rejects.toMatchObject({ errorClass: 'server' });
    expect(sandbox.requests).toHaveLength(1);
    expect(p.breaker.state).toBe('open');
    expect(observer.changes.map((c) => c.to)).toEqual(['open', 'half-open', 'open']);
    await expect(p.execute(ctx(), loggedUser(client))).rejects.toMatchObject({ errorClass: 'circuit_open' });
    expect(sandbox.requests).toHaveLength(1);
  });
});
