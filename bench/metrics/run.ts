/**
 * npm run bench:metrics — what the micro-batcher buys metrics-aggregator: the same burst of call records written
 * into metric_window one transaction per record (batch max 1) and grouped (the defaults: up to 200 per transaction,
 * 20 ms wait, 64 deliveries in flight like the consumer's CONSUMER_CONCURRENCY). Real Postgres (TEST_DATABASE_URL /
 * DATABASE_URL, else embedded), no broker: the batcher is fed the way JunctionServer feeds it, at most 64 at once.
 * Prints a table; a script, not a test.
 */
import { createTestDatabase } from '@junction/testing';
import { MicroBatcher } from '../../apps/metrics-aggregator/src/windows/call-record.batcher';
import { MetricWindowRepository } from '../../apps/metrics-aggregator/src/windows/metric-window.repository';
import { RecordCallBatchHandler, type CallRecordedMessage } from '../../apps/metrics-aggregator/src/windows/usecases/record-call-batch/record-call-batch.handler';
import { callRecord, latencies } from '../../apps/metrics-aggregator/src/testing/call-records.fixture';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 6_000);
const IN_FLIGHT = 64;

function burst(tenantId: string): CallRecordedMessage[] {
  const providers = ['erpnext', 'crm', 'linkedin', 'reddit'];
  const operations = ['a', 'b', 'c', 'd', 'e'];
  const start = Date.parse('2026-01-01T10:00:00Z');
  return latencies(RECORDS, 11).map((latencyMs, i) =>
    callRecord(tenantId, { provider: providers[i % 4]!, operation: operations[i % 5]!, connection: 'c1', latencyMs, occurredAt: new Date(start + Math.floor((i / RECORDS) * 180_000)).toISOString(), ...(i % 13 === 0 ? { outcome: 'server' as const, httpStatus: 502 } : {}) }),
  );
}

async function run(label: string, batchMax: number, handler: RecordCallBatchHandler, records: CallRecordedMessage[]) {
  let transactions = 0;
  const batcher = new MicroBatcher<CallRecordedMessage>({ maxSize: batchMax, maxWaitMs: 20, concurrency: IN_FLIGHT }, async (items) => {
    transactions++;
    await handler.execute(items);
  });
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < records.length) await batcher.submit(records[next++]!);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { mode: label, records: records.length, transactions, 'records/s': Math.round(records.length / seconds), seconds: Number(seconds.toFixed(2)) };
}

async function main() {
  const db = await createTestDatabase();
  try {
    const handler = new RecordCallBatchHandler(new MetricWindowRepository(db.prisma), 'bench');
    await run('warm-up', 64, handler, burst('warm').slice(0, 500));
    const rows = [await run('one transaction per record', 1, handler, burst('single')), await run('micro-batched (max 200)', 200, handler, burst('batched'))];
    console.table(rows);
    const check = await db.prisma.metricWindow.groupBy({ by: ['tenantId', 'windowSize'], _sum: { total: true }, where: { tenantId: { in: ['single', 'batched'] } } });
    console.log('totals per tenant and window size (each must equal the records):', check.map((c) => `${c.tenantId}/${c.windowSize}=${c._sum.total}`).join(' '));
  } finally {
    await db.drop();
  }
  process.exit(0);
}

void main();
