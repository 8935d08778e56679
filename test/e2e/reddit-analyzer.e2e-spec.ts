import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createMessage } from '@junction/contracts';
import { RedditSandbox } from '@junction/connectors/reddit';
import { RabbitMqTransport, toOutgoing, type DeliveredMessage } from '@junction/messaging';
import { createTestDatabase, rabbitMqReachable, startAppProcess, testRabbitMqUrl, waitUntil, type AppProcess, type TestDatabase } from '@junction/testing';

/**
 * reddit-analyzer as an operator runs it: its own process on RabbitMQ and Postgres, Reddit played by the sandbox
 * (as REDDIT_AUTH_URL / REDDIT_API_URL with app credentials). Commands go in over the broker; assertions are on the
 * events that come back, the rows stored and what the sandbox was asked. Names are unique per run (queues outlive runs).
 */
const describeIfBroker = rabbitMqReachable('the reddit-analyzer end-to-end test') ? describe : describe.skip;

describeIfBroker('reddit-analyzer over RabbitMQ and Postgres', () => {
  const run = randomUUID().slice(0, 8);
  const sub = `e2e_${run}`;
  const sandbox = new RedditSandbox({ clients: { 'e2e-app': 'e2e-reddit-secret' } });
  const observer = new RabbitMqTransport({ url: testRabbitMqUrl, connectionName: `e2e-reddit-observer-${run}` });
  const events: DeliveredMessage[] = [];
  let db: TestDatabase;
  let worker: AppProcess;
  const eventsFor = (id: string) => events.filter((e) => (e.body as { causationId?: string }).causationId === id);

  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'ignore' });
    db = await createTestDatabase();
    const { url } = await sandbox.start();
    worker = await startAppProcess('dist/apps/reddit-analyzer/main.js', {
      BUS: 'rabbitmq',
      RABBITMQ_URL: testRabbitMqUrl,
      DATABASE_URL: db.url,
      PORT: '0',
      HOST: '127.0.0.1',
      MAX_DELIVERY_COUNT: '3',
      REDDIT_CLIENT_ID: 'e2e-app',
      REDDIT_CLIENT_SECRET: 'e2e-reddit-secret',
      REDDIT_AUTH_URL: url,
      REDDIT_API_URL: url,
    });
    await observer.connect();
    await observer.subscribe(
      { topic: 'reddit.events', subscription: `e2e-reddit-observer-${run}`, types: ['reddit.subreddit.monitored', 'reddit.subreddit.monitor.failed', 'reddit.sentiment.analyzed'], maxDeliveryCount: 3, concurrency: 4 },
      async (m) => {
        events.push(m);
        return { action: 'complete' };
      },
    );
  }, 120_000);

  afterAll(async () => {
    const code = await worker?.stop();
    await observer.close();
    await sandbox.stop();
    await db?.drop();
    expect(code).toBe(0);
  }, 60_000);

  it('monitors a subreddit: a duplicate delivery answers once, the next run reads only the new posts', async () => {
    sandbox.seedCorpus(sub, { posts: 40, seed: 3 });
    const first = createMessage('reddit.subreddit.monitor', { subreddit: sub, maxPosts: 100 }, { tenantId: 'e2e' });
    await observer.publish([toOutgoing(first)]);
    await observer.publish([toOutgoing(first)]);
    await waitUntil(() => eventsFor(first.id).length >= 1, 20_000, 'reddit.subreddit.monitored (first run)');
    await waitUntil(async () => (await db.prisma.processedMessage.count({ where: { messageId: first.id } })) === 1, 5_000);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(eventsFor(first.id)).toHaveLength(1);
    expect(eventsFor(first.id)[0]!.body).toMatchObject({ type: 'reddit.subreddit.monitored', payload: { firstRun: true, newPosts: 40 } });
    expect(await db.prisma.redditAnalysis.count({ where: { commandId: first.id } })).toBe(1);

    const added = sandbox.seedPosts(sub, [{ title: 'Brand new post A' }, { title: 'Brand new post B' }]);
    const second = createMessage('reddit.subreddit.monitor', { subreddit: sub, maxPosts: 100 }, { tenantId: 'e2e' });
    await observer.publish([toOutgoing(second)]);
    await waitUntil(() => eventsFor(second.id).length === 1, 20_000, 'reddit.subreddit.monitored (second run)');
    const payload = (eventsFor(second.id)[0]!.body as { payload: { newPosts: number; posts: { fullname: string }[] } }).payload;
    expect(payload.newPosts).toBe(2);
    expect(payload.posts.map((p) => p.fullname).sort()).toEqual(added.map((p) => p.name).sort());
    // One token for the whole process, every call with the configured User-Agent (a generic one gets 429).
    expect(sandbox.tokensIssued).toHaveLength(1);
    expect(sandbox.requests.filter((r) => r.status === 429)).toHaveLength(0);
  });

  it('analyses sentiment of a subreddit and stores the full result', async () => {
    const c = createMessage('reddit.sentiment.analyze', { source: { kind: 'subreddit', subreddit: sub, sort: 'new', limit: 100 } }, { tenantId: 'e2e' });
    await observer.publish([toOutgoing(c)]);
    await waitUntil(() => eventsFor(c.id).length === 1, 20_000, 'reddit.sentiment.analyzed');
    const payload = (eventsFor(c.id)[0]!.body as { payload: { resultId: string; aggregate: { count: number } } }).payload;
    expect(payload.aggregate.count).toBe(42);
    expect(await db.prisma.redditAnalysis.findUniqueOrThrow({ where: { id: payload.resultId } })).toMatchObject({ kind: 'sentiment', tenantId: 'e2e', itemCount: 42 });
  });

  it('never writes the Reddit client secret to its logs', () => {
    expect(worker.output()).not.toContain('e2e-reddit-secret');
  });

  it('without Reddit credentials starts on its in-process sandbox and says so loudly', async () => {
    const demo = await startAppProcess('dist/apps/reddit-analyzer/main.js', { BUS: 'memory', DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', REDDIT_SANDBOX_PORT: '0' });
    try {
      // "ready" is logged before the consumers and the signal handlers are in place: stop only once it consumes.
      await waitUntil(() => demo.output().includes('consuming reddit.'), 10_000, 'consumers started');
      expect(demo.output()).toMatch(/reading the Reddit SANDBOX at http:\/\/127\.0\.0\.1:\d+ \(seeded r\/junction\), NOT reddit\.com/);
    } finally {
      expect(await demo.stop()).toBe(0);
    }
  });
});
