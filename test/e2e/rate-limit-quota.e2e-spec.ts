import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { RateLimitRule } from '@junction/resilience';
import { createTestDatabase, withPgClient, type TestDatabase } from '@junction/testing';

/**
 * Three replicas (separate Node processes, test/e2e/fixtures/rate-limit-worker.cjs) share one Postgres and hammer
 * one provider connection. Each granted permit is one request to a local "sandbox" whose ledger records arrival
 * times: the ledger must never show more than the limit in any window, and must show ≥ 90% of what the limit allows.
 */
const WORKER = join(__dirname, 'fixtures/rate-limit-worker.cjs');

interface WorkerReport {
  pid: number;
  granted: number;
  denied: number;
  errors: number;
  elapsedMs: number;
}

interface LedgerEntry {
  at: number;
  pid: number;
  askedAt: number;
  answeredAt: number;
}

interface RunOptions {
  replicas: number;
  loops: number;
  durationMs: number;
  rules: readonly RateLimitRule[];
  connection: string;
  ledger: boolean;
}

describe('rate limits shared by three processes (sandbox ledger)', () => {
  let db: TestDatabase;
  let server: Server;
  let ledgerUrl: string;
  /** What the sandbox received: arrival time, and when the sender asked for / was granted its permit. */
  let ledger: LedgerEntry[] = [];
  const children = new Set<ChildProcess>();

  beforeAll(async () => {
    db = await createTestDatabase();
    server = createServer((req, res) => {
      const at = performance.timeOrigin + performance.now();
      if (req.method !== 'POST') {
        res.end('warm');
        return;
      }
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        ledger.push({ at, ...(JSON.parse(body) as Omit<LedgerEntry, 'at'>) });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ledgerUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  beforeEach(() => {
    ledger = [];
  });

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await db.drop();
  });

  /** Starts the replicas, releases them together once all are connected, and collects their reports. */
  async function runReplicas(options: RunOptions): Promise<WorkerReport[]> {
    const started = Array.from({ length: options.replicas }, () => startWorker(options));
    const workers = await Promise.all(started.map((w) => w.ready));
    for (const child of workers) child.stdin!.write('go\n');
    return Promise.all(started.map((w) => w.report));
  }

  function startWorker(options: RunOptions): { ready: Promise<ChildProcess>; report: Promise<WorkerReport> } {
    const child = spawn(process.execPath, [WORKER], {
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: db.url,
        ...(options.ledger ? { LEDGER_URL: ledgerUrl } : {}),
        WORKER_JSON: JSON.stringify({
          provider: 'sandbox',
          connection: options.connection,
          rules: options.rules,
          loops: options.loops,
          durationMs: options.durationMs,
        }),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.add(child);
    let output = '';
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const lines: string[] = [];
    const ready = new Promise<ChildProcess>((resolve) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        lines.push(line);
        output += `${line}\n`;
        if (line === 'ready') resolve(child);
      });
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve)).finally(() => children.delete(child));
    const report = exited.then((code) => {
      if (code !== 0) throw new Error(`worker ${child.pid} exited with ${code}:\n${output.slice(-3000)}`);
      return JSON.parse(lines[lines.length - 1]!) as WorkerReport;
    });
    // A worker that dies before "ready" must fail the test, not hang it.
    return { ready: Promise.race([ready, report.then(() => Promise.reject(new Error(`worker ${child.pid} exited before ready`)))]), report };
  }

  it('a token bucket (10 burst, 20/s) is never exceeded in any interval, and ≥ 90% of it is used', async () => {
    const capacity = 10;
    const rate = 20;
    const durationMs = 3_000;
    const reports = await runReplicas({
      replicas: 3,
      loops: 3,
      durationMs,
      connection: 'bucket',
      ledger: true,
      rules: [{ kind: 'token-bucket', name: 'burst', capacity, refillPerSecond: rate }],
    });

    expect(ledger).toHaveLength(reports.reduce((sum, r) => sum + r.granted, 0));
    expect(reports.map((r) => r.errors)).toEqual([0, 0, 0]);
    const allowance = (ms: number) => capacity + (rate * ms) / 1000;

    // 1. The ledger's arrival times. A request arrives some time after its grant (on a loaded machine, tens of
    //    ms), so the requests arriving in [t, t + Δ] were granted in [t − L, t + Δ], L = the slowest grant-to-arrival.
    const arrivals = ledger.map((entry) => entry.at).sort((a, b) => a - b);
    const lagMs = Math.max(...ledger.map((entry) => entry.at - entry.askedAt));
    let arrivalExcess = -Infinity;
    for (let i = 0; i < arrivals.length; i++) {
      for (let j = i; j < arrivals.length; j++) arrivalExcess = Math.max(arrivalExcess, j - i + 1 - allowance(arrivals[j]! - arrivals[i]! + lagMs));
    }
    // 2. Without that slack: each grant happened between its askedAt and answeredAt. Grants bracketed inside
    //    [a, b] may not exceed the allowance for b − a (2 ms: the database's wall clock vs our monotonic one).
    let grantExcess = -Infinity;
    for (const a of ledger.map((entry) => entry.askedAt)) {
      for (const b of ledger.map((entry) => entry.answeredAt)) {
        if (b <= a) continue;
        const inside = ledger.filter((entry) => entry.askedAt >= a && entry.answeredAt <= b).length;
        grantExcess = Math.max(grantExcess, inside - allowance(b - a + 2));
      }
    }
    const theoreticalMax = allowance(durationMs);
    console.log(
      `token bucket: ${ledger.length} of ${theoreticalMax} possible permits in ${durationMs} ms ` +
        `(${((100 * ledger.length) / theoreticalMax).toFixed(1)}%), per replica ${reports.map((r) => r.granted).join('/')}; ` +
        `worst interval vs its allowance: ${arrivalExcess.toFixed(2)} by arrival (lag ≤ ${lagMs.toFixed(1)} ms), ` +
        `${grantExcess.toFixed(2)} by grant bracket`,
    );
    expect(arrivalExcess).toBeLessThanOrEqual(0);
    expect(grantExcess).toBeLessThanOrEqual(0);
    expect(ledger.length).toBeGreaterThanOrEqual(0.9 * theoreticalMax);
    // Every replica took part: the limit is shared, not won by one process.
    for (const report of reports) expect(report.granted).toBeGreaterThan(0);
  }, 20_000);

  it('a daily quota of 45 (behind a fast bucket) is used exactly, never exceeded, and replicas stop at once', async () => {
    const limit = 45;
    const durationMs = 8_000;
    const started = Date.now();
    const reports = await runReplicas({
      replicas: 3,
      loops: 3,
      durationMs,
      connection: 'quota',
      ledger: true,
      // The bucket comes first: every quota denial gives its token back, across processes.
      rules: [
        { kind: 'token-bucket', name: 'burst', capacity: 5, refillPerSecond: 200 },
        { kind: 'quota', name: 'daily', limit, window: 'day' },
      ],
    });

    const perUtcDay = new Map<string, number>();
    for (const { at } of ledger) {
      const day = new Date(at).toISOString().slice(0, 10);
      perUtcDay.set(day, (perUtcDay.get(day) ?? 0) + 1);
    }
    expect(Math.max(...perUtcDay.values())).toBeLessThanOrEqual(limit);
    expect(ledger).toHaveLength(limit);
    expect(reports.reduce((sum, r) => sum + r.granted, 0)).toBe(limit);
    // Denied until midnight UTC, past their deadline: the replicas stopped instead of waiting out the run.
    expect(Date.now() - started).toBeLessThan(durationMs);
    const counts = await withPgClient(db.url, (client) =>
      client.query<{ rule: string; count: number; tokens: number | null }>(
        `SELECT "rule", "count", "tokens" FROM "rate_limit_bucket" WHERE "connection" = 'quota' ORDER BY "rule"`,
      ),
    );
    expect(counts.rows.find((r) => r.rule === 'daily')?.count).toBe(limit);
  }, 20_000);

  it('measures acquisitions per second for one and for three processes (printed, not asserted)', async () => {
    const unlimited: RateLimitRule[] = [{ kind: 'token-bucket', name: 'open', capacity: 1e12, refillPerSecond: 1e12 }];
    const durationMs = 1_500;
    const figures: string[] = [];
    for (const replicas of [1, 3]) {
      const reports = await runReplicas({ replicas, loops: 4, durationMs, connection: `bench-${replicas}`, ledger: false, rules: unlimited });
      expect(reports.every((r) => r.denied === 0 && r.errors === 0 && r.granted > 0)).toBe(true);
      const total = reports.reduce((sum, r) => sum + r.granted, 0);
      const seconds = Math.max(...reports.map((r) => r.elapsedMs)) / 1000;
      figures.push(`${replicas} process(es) × 4 loops on one row: ${Math.round(total / seconds)} acquisitions/s`);
    }
    console.log(`PostgresRateLimiter throughput\n  ${figures.join('\n  ')}`);
  }, 20_000);
});
