import { Worker } from 'node:worker_threads';
import { JSONATA_WORKER_SOURCE, UNSAFE_KEYS, type WorkerReply } from './jsonata.worker-source';

export interface EvaluationLimits {
  /** Wall-clock budget of one evaluation. */
  timeoutMs: number;
  /** JSONata's nested-evaluation depth (non-tail recursion fails here, fast). */
  maxDepth: number;
  /** Longest sequence (range, path result) one evaluation may build. */
  maxSequence: number;
  /** Longest result, as JSON characters. */
  maxOutputChars: number;
}

export const defaultEvaluationLimits: Readonly<EvaluationLimits> = { timeoutMs: 250, maxDepth: 500, maxSequence: 100_000, maxOutputChars: 1_000_000 };

export type Evaluation = { ok: true; value: unknown } | { ok: false; code: string; message: string; position?: number };

/** The hard stop sits just above JSONata's own timeout, so a plain runaway loop ends with JSONata's error and keeps the worker. */
const HARD_STOP_MARGIN_MS = 50;

interface Job {
  id: number;
  message: { id: number; source: string; input: string; bindings: string };
  resolve(evaluation: Evaluation): void;
  reject(error: Error): void;
  timer?: NodeJS.Timeout;
}

/**
 * Evaluates JSONata in a worker thread, one evaluation at a time, and terminates the worker when one overruns.
 *
 * Why a worker: JSONata's own guardrails (`timeout`, `stack`, `sequence`, used in the worker for readable
 * errors) are checked when it enters an expression node, so a single native call runs unchecked; measured on
 * jsonata 2.2.2, `$pad("", 1e8)` held the thread 8 s and `$match("a…a!", /(a+)+$/)` 30 s. Only terminating
 * the thread stops those. (A `vm` timeout with `microtaskMode: 'afterEvaluate'` also stops them, but aborts
 * the whole process once AsyncLocalStorage is in use: nodejs/node#38503.) The event loop of the app is never
 * blocked by a mapping. A terminated worker is replaced on the next evaluation (~100 ms to boot).
 *
 * Data crosses as JSON text both ways, without `__proto__`/`constructor`/`prototype` keys: what comes back is
 * plain data with own properties only (zod reads inherited properties, so an object with a swapped prototype
 * could otherwise smuggle fields past a strict schema).
 */
export class JsonataEvaluator {
  private worker?: Worker;
  private ready = false;
  private readonly queue: Job[] = [];
  private current?: Job;
  private nextId = 0;

  constructor(readonly limits: Readonly<EvaluationLimits> = defaultEvaluationLimits) {}

  evaluate(source: string, input: unknown, bindings: Record<string, unknown>): Promise<Evaluation> {
    return new Promise<Evaluation>((resolve, reject) => {
      const id = ++this.nextId;
      const message = { id, source, input: JSON.stringify(input) ?? 'null', bindings: JSON.stringify(bindings) };
      this.queue.push({ id, message, resolve, reject });
      this.pump();
    });
  }

  /** Stops the worker; evaluations still queued are rejected. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = false;
    for (const job of [...(this.current ? [this.current] : []), ...this.queue.splice(0)]) this.fail(job, new Error('JSONata evaluator closed'));
    this.current = undefined;
    await worker?.terminate();
  }

  private pump(): void {
    if (this.current || this.queue.length === 0) return;
    const worker = (this.worker ??= this.spawn());
    worker.ref();
    if (!this.ready) return; // the `ready` message pumps again
    const job = this.queue.shift()!;
    this.current = job;
    job.timer = setTimeout(() => {
      this.discardWorker();
      this.settle(job, { ok: false, code: 'TIMEOUT', message: `evaluation exceeded ${this.limits.timeoutMs} ms; stopped` });
    }, this.limits.timeoutMs + HARD_STOP_MARGIN_MS);
    worker.postMessage(job.message);
  }

  private spawn(): Worker {
    const worker = new Worker(JSONATA_WORKER_SOURCE, {
      eval: true,
      name: 'jsonata-evaluator',
      workerData: { jsonataPath: require.resolve('jsonata'), limits: { ...this.limits }, unsafeKeys: UNSAFE_KEYS },
    });
    const mine = () => this.worker === worker;
    worker.on('message', (reply: WorkerReply) => {
      if (!mine()) return;
      if ('ready' in reply) {
        this.ready = true;
        return this.pump();
      }
      const job = this.current;
      if (!job || job.id !== reply.id) return;
      if ('error' in reply) return this.settle(job, { ok: false, ...reply.error });
      if (reply.json === undefined) return this.settle(job, { ok: true, value: undefined });
      if (reply.json.length > this.limits.maxOutputChars) {
        return this.settle(job, { ok: false, code: 'OUTPUT_TOO_LARGE', message: `result is ${reply.json.length} JSON characters; the limit is ${this.limits.maxOutputChars}` });
      }
      this.settle(job, { ok: true, value: JSON.parse(reply.json, dropUnsafeKeys) });
    });
    const died = (error: Error) => {
      if (!mine()) return;
      const job = this.current;
      const booted = this.ready;
      this.discardWorker();
      if (job) return this.settle(job, { ok: false, code: 'EVALUATION_FAILED', message: `the evaluation crashed its worker: ${error.message}` });
      // Not any mapping's fault (e.g. the worker cannot boot): fail what waits as an infrastructure error.
      if (!booted) for (const queued of this.queue.splice(0)) this.fail(queued, error);
      this.pump();
    };
    worker.on('error', died);
    worker.on('exit', (code) => died(new Error(`worker exited with code ${code}`)));
    return worker;
  }

  private settle(job: Job, evaluation: Evaluation): void {
    clearTimeout(job.timer);
    if (this.current === job) this.current = undefined;
    job.resolve(evaluation);
    // An idle worker must not keep the process alive.
    if (this.queue.length === 0) this.worker?.unref();
    this.pump();
  }

  private fail(job: Job, error: Error): void {
    clearTimeout(job.timer);
    job.reject(error);
  }

  private discardWorker(): void {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = false;
    void worker?.terminate();
  }
}

function dropUnsafeKeys(key: string, value: unknown): unknown {
  return UNSAFE_KEYS.includes(key) ? undefined : value;
}
