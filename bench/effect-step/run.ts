/**
 * Issue 12 §3's pool scenario, the old path against the new one, in one run on real Postgres:
 * 64 commands whose provider call takes 2 s, consumer concurrency 64, a pg pool of 10.
 * - idempotent-consumer: the provider called inside IdempotentConsumer's transaction (the shape before EffectStep);
 * - effect-step: claim → call (no transaction) → one short commit.
 * Prints one line of figures per mode and writes bench/results/effect-step.json. A script, not a test.
 *
 *   npm run bench:effect-step
 *
 * Needs a Postgres (TEST_DATABASE_URL / DATABASE_URL, else embedded): a fresh database per mode.
 * BENCH_COMMANDS, BENCH_CALL_MS, BENCH_CONCURRENCY, BENCH_POOL override the figures above.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase } from '@junction/testing';
import { runPoolScenario, type PoolScenarioFigures, type PoolScenarioMode } from '../../libs/messaging/test/effect-step-pool.scenario';

const number = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);

async function main(): Promise<void> {
  const shape = { commands: number('BENCH_COMMANDS', 64), callMs: number('BENCH_CALL_MS', 2_000), concurrency: number('BENCH_CONCURRENCY', 64), poolMax: number('BENCH_POOL', 10) };
  const results: PoolScenarioFigures[] = [];
  for (const mode of ['idempotent-consumer', 'effect-step'] as PoolScenarioMode[]) {
    const db = await createTestDatabase();
    try {
      const figures = await runPoolScenario({ databaseUrl: db.url, mode, ...shape, giveUpMs: 90_000 });
      results.push(figures);
      process.stdout.write(`${JSON.stringify(figures)}\n`);
    } finally {
      await db.drop();
    }
  }
  process.stdout.write(`\n${shape.commands} commands × ${shape.callMs} ms provider call, concurrency ${shape.concurrency}, pool ${shape.poolMax}\n`);
  process.stdout.write('mode                  processed  wall ms  failed deliveries (reasons)   pool conn·s  in use at 1 s  max in use  max waiting  max idle-in-tx  oldest tx ms\n');
  for (const r of results) {
    const reasons = Object.entries(r.failureReasons).map(([k, v]) => `${k}×${v}`).join(', ') || '-';
    process.stdout.write(
      `${r.mode.padEnd(22)}${`${r.processed}/${r.commands}`.padEnd(11)}${String(r.wallMs).padEnd(9)}${`${r.failedDeliveries} (${reasons})`.padEnd(30)}${String(r.poolConnectionSeconds).padEnd(13)}${String(r.poolInUseAt1s).padEnd(15)}${String(r.maxPoolInUse).padEnd(12)}${String(r.maxPoolWaiting).padEnd(13)}${String(r.maxIdleInTransaction).padEnd(16)}${r.maxTransactionAgeMs}\n`,
    );
  }
  const out = join(process.cwd(), 'bench/results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'effect-step.json'), `${JSON.stringify({ shape, results }, null, 2)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
