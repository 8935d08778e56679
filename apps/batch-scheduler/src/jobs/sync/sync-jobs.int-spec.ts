import { Logger } from '@nestjs/common';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { jobsKit, outboxOfRun } from '../testing/jobs-test.kit';
import { ErpStockSyncJob } from './erp-stock-sync.job';
import { RedditMonitorSyncJob } from './reddit-monitor-sync.job';

describe('sync jobs (Postgres)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    Logger.overrideLogger(false);
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('erp.stock.sync: erp.stock-balance.get per item with a warehouse, erp.inventory.check without, paced on ERPNext', async () => {
    const kit = jobsKit(db.prisma);
    const job = new ErpStockSyncJob(kit.publishing);
    const withWarehouse = await kit.context(job, 'acme', { items: ['SKU-1', 'SKU-2', 'SKU-3'], warehouse: 'Stores - JD', ratePerSecond: 100 });
    expect(await job.run(withWarehouse)).toMatchObject({ commands: 3, published: 3 });
    const balances = await outboxOfRun(db.prisma, withWarehouse.runId);
    expect(balances.map((m) => [m.type, m.payload])).toEqual(['SKU-1', 'SKU-2', 'SKU-3'].map((itemCode) => ['erp.stock-balance.get', { itemCode, warehouse: 'Stores - JD' }]));

    const everywhere = await kit.context(job, 'acme', { items: ['SKU-1'] });
    await job.run(everywhere);
    expect((await outboxOfRun(db.prisma, everywhere.runId)).map((m) => [m.type, m.payload])).toEqual([['erp.inventory.check', { itemCode: 'SKU-1' }]]);
    expect(kit.limiter.granted.filter((g) => g.key.provider === 'erpnext')).toHaveLength(4);
    expect(await kit.runs.find(withWarehouse.runId)).toMatchObject({ total: 3, succeeded: 3 });
  });

  it('reddit.monitor.sync: one reddit.subreddit.monitor per subreddit, the contract default maxPosts when absent', async () => {
    const kit = jobsKit(db.prisma);
    const job = new RedditMonitorSyncJob(kit.publishing);
    const context = await kit.context(job, 'acme', { subreddits: ['typescript', 'node'], ratePerSecond: 100 });
    await job.run(context);
    expect((await outboxOfRun(db.prisma, context.runId)).map((m) => m.payload)).toEqual([
      { subreddit: 'typescript', maxPosts: 100 },
      { subreddit: 'node', maxPosts: 100 },
    ]);
    expect(job.params.safeParse({ subreddits: ['r/typescript'] }).success).toBe(false);
  });
});
