/**
 * The calls being compared: a raw undici request, and the same request through a ResiliencePipeline.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request, type Agent } from 'undici';
import { PrismaService, PostgresRateLimiter } from '@junction/persistence';
import { DEFAULT_POLICY, ResiliencePipelines, type CallObserver, type PipelineAttempt, type RateLimiter, type ResiliencePolicy } from '@junction/resilience';

const BODY = JSON.stringify({ data: { name: 'CUST-0001', customer_name: 'Acme', customer_type: 'Company' } });

/** A small JSON answer on keep-alive; /fail answers 503 (to trip a breaker). */
export async function startServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const status = req.url === '/fail' ? 503 : 200;
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) });
    res.end(BODY);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export type Call = () => Promise<unknown>;

export function rawCall(url: string, dispatcher: Agent): Call {
  return async () => {
    const res = await request(`${url}/ok`, { dispatcher });
    return res.body.json();
  };
}

/** Raw, plus what any cancellable call pays on Node 20: an AbortSignal per call, handed to undici. */
export function rawCallWithSignal(url: string, dispatcher: Agent): Call {
  return async () => {
    const res = await request(`${url}/ok`, { dispatcher, signal: new AbortController().signal });
    return res.body.json();
  };
}

/**
 * How the provider call bounds its request on the wire: `requestOptions` (undici's headers/body timeouts at
 * the attempt's limit, the caller's signal if any) or the attempt's AbortSignal.
 */
export type WireBound = 'requestOptions' | 'signal';

/** What a client does inside the pipeline: the same request, bounded as `bound` says. */
function providerCall(url: string, dispatcher: Agent, bound: WireBound) {
  if (bound === 'requestOptions') {
    return async (attempt: PipelineAttempt) => {
      const res = await request(`${url}/ok`, { dispatcher, ...attempt.requestOptions });
      return res.body.json();
    };
  }
  return async (attempt: PipelineAttempt) => {
    const res = await request(`${url}/ok`, { dispatcher, signal: attempt.signal });
    return res.body.json();
  };
}

/** Counts records: what any observer costs the pipeline (a record per attempt), without the observer's own work. */
export function countingObserver(): CallObserver & { attempts: number } {
  return {
    attempts: 0,
    onAttempt() {
      this.attempts++;
    },
    onBreakerStateChange: () => undefined,
  };
}

export function benchPolicy(rateLimited: boolean): ResiliencePolicy {
  return {
    ...DEFAULT_POLICY,
    // Never denies during the run: what is measured is the cost of asking, not of waiting.
    rateLimits: rateLimited ? [{ kind: 'token-bucket', name: 'bench', capacity: 1_000_000_000, refillPerSecond: 1_000_000 }] : [],
  };
}

export function pipelineCall(
  url: string,
  dispatcher: Agent,
  bound: WireBound,
  options: { limiter?: RateLimiter; observer?: CallObserver } = {},
): { call: Call; close: () => void } {
  const { limiter, observer } = options;
  const connection = `bench-${process.pid}-${Date.now()}`;
  const pipelines = new ResiliencePipelines({ limiter, observer, policies: { bench: benchPolicy(limiter !== undefined) } });
  const ctx = { provider: 'bench', connection, operation: 'customer.get' };
  const call = providerCall(url, dispatcher, bound);
  return { call: () => pipelines.run(ctx, call), close: () => pipelines.close() };
}

/** The Postgres limiter, or why it cannot be used here. */
export async function postgresLimiter(databaseUrl: string | undefined): Promise<{ limiter: RateLimiter; close: () => Promise<void> } | { skipped: string }> {
  if (!databaseUrl) return { skipped: 'DATABASE_URL is not set' };
  const prisma = new PrismaService(databaseUrl, { poolMax: 2 });
  try {
    const [row] = await prisma.$queryRaw<{ table: string | null }[]>`SELECT to_regclass('rate_limit_bucket')::text AS "table"`;
    if (!row?.table) {
      await prisma.$disconnect();
      return { skipped: 'table rate_limit_bucket missing: run `npm run db:migrate` against DATABASE_URL' };
    }
  } catch (error) {
    await prisma.$disconnect().catch(() => undefined);
    return { skipped: `database unreachable: ${(error as Error).message.split('\n')[0]}` };
  }
  return {
    limiter: new PostgresRateLimiter(prisma),
    close: async () => {
      await prisma.$executeRaw`DELETE FROM "rate_limit_bucket" WHERE "provider" = 'bench'`;
      await prisma.$disconnect();
    },
  };
}
