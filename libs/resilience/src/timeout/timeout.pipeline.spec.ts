import { errors, request } from 'undici';
import type { ErpNextClient, ErpNextSandbox } from '@junction/connectors/erpnext';
import { IntegrationError } from '../errors/integration-error';
import { ctx, loggedUser, pipelineFor, startErpNext, testPolicy } from '../pipeline/erpnext-sandbox.fixture';
import type { AttemptRequestOptions } from '../pipeline/pipeline-attempt';
import { runWithTimeout } from './attempt-timeout';

const SLACK_MS = 60;

describe('timeouts (ERPNext sandbox)', () => {
  let sandbox: ErpNextSandbox;
  let client: ErpNextClient;
  beforeAll(async () => ({ sandbox, client } = await startErpNext()));
  afterAll(() => sandbox.stop());
  beforeEach(() => sandbox.reset());

  it('a hanging provider never holds a call past its total budget; each attempt is abandoned as timeout', async () => {
    sandbox.faults.set({ hang: true });
    const { pipeline, observer } = pipelineFor(testPolicy({ timeouts: { attemptMs: 150, totalMs: 400 }, retry: { maxAttempts: 10 } }));
    const started = performance.now();
    await expect(pipeline.execute(ctx(), loggedUser(client))).rejects.toMatchObject({ errorClass: 'timeout' });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThanOrEqual(400 + SLACK_MS);
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(observer.attempts.length).toBeGreaterThanOrEqual(2);
    expect(observer.attempts.every((r) => r.outcome === 'timeout')).toBe(true);
    pipeline.breaker.shutdown();
  });

  it("respects the caller's deadline when it is sooner than the policy's", async () => {
    sandbox.faults.set({ hang: true });
    const { pipeline } = pipelineFor(testPolicy({ timeouts: { attemptMs: 5_000, totalMs: 30_000 } }));
    const started = Date.now();
    await expect(pipeline.run(ctx({ deadline: started + 200 }), loggedUser(client))).rejects.toMatchObject({ errorClass: 'timeout' });
    expect(Date.now() - started).toBeLessThanOrEqual(200 + SLACK_MS);
    pipeline.breaker.shutdown();
  });

  it('abandons a call that ignores its signal, and stops at once when the caller aborts', async () => {
    const { pipeline } = pipelineFor(testPolicy({ timeouts: { attemptMs: 100, totalMs: 250 } }));
    const never = () => new Promise<string>(() => undefined);
    const t0 = Date.now();
    await expect(pipeline.run(ctx(), never)).rejects.toMatchObject({ errorClass: 'timeout' });
    expect(Date.now() - t0).toBeLessThanOrEqual(250 + SLACK_MS);

    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const t1 = Date.now();
    await expect(pipeline.run(ctx({ signal: controller.signal }), never)).rejects.toMatchObject({ errorClass: 'timeout', message: expect.stringContaining('cancelled') });
    expect(Date.now() - t1).toBeLessThan(100);
    pipeline.breaker.shutdown();
  });

  it("requestOptions end a hung request on the wire at the attempt's limit without an AbortSignal, and carry the caller's signal", async () => {
    sandbox.faults.set({ hang: true });
    const { pipeline } = pipelineFor(testPolicy({ timeouts: { attemptMs: 150, totalMs: 5_000 }, retry: { maxAttempts: 1 } }));
    const caller = new AbortController();
    let options: AttemptRequestOptions | undefined;
    let wire: Promise<unknown> | undefined;
    const started = Date.now();
    const outcome = pipeline.run(ctx({ signal: caller.signal }), (attempt) => {
      options = attempt.requestOptions;
      wire = request(`${sandbox.url}/api/method/frappe.auth.get_logged_user`, options);
      // What a client does with undici's own timeout error: it is the provider not answering in time.
      return wire.catch((error: unknown) => {
        throw new IntegrationError('timeout', 'no headers', { provider: 'erpnext', operation: 'getLoggedUser', cause: error });
      });
    });
    await expect(outcome).rejects.toMatchObject({ errorClass: 'timeout' });
    expect(Date.now() - started).toBeLessThanOrEqual(150 + SLACK_MS);
    expect(options).toEqual({ headersTimeout: 150, bodyTimeout: 150, signal: caller.signal });
    // undici checks these timeouts on a ~0.5 s tick: the socket hears of it up to a second later.
    await expect(wire).rejects.toBeInstanceOf(errors.HeadersTimeoutError);
    expect(Date.now() - started).toBeLessThanOrEqual(150 + 1_000 + SLACK_MS);
    pipeline.breaker.shutdown();
  });

  it('settles an attempt whose call returns a plain value or throws synchronously (untyped callers)', async () => {
    const { pipeline } = pipelineFor(testPolicy({ retry: { maxAttempts: 1 } }));
    await expect(pipeline.run(ctx(), (() => 42) as unknown as () => Promise<number>)).resolves.toBe(42);
    const bug = new TypeError('sync');
    await expect(
      pipeline.run(ctx(), () => {
        throw bug;
      }),
    ).rejects.toBe(bug);
    pipeline.breaker.shutdown();
  });

  it('gives the attempt a signal that fires at the attempt timeout', async () => {
    let seen: AbortSignal | undefined;
    await expect(
      runWithTimeout({ provider: 'p', operation: 'o', deadline: Date.now() + 1_000, attemptMs: 30 }, (lazy) => {
        const signal = lazy.signal;
        seen = signal;
        return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
      }),
    ).rejects.toMatchObject({ errorClass: 'timeout' });
    expect(seen?.aborted).toBe(true);
    expect((seen?.reason as DOMException).name).toBe('TimeoutError');
  });
});
