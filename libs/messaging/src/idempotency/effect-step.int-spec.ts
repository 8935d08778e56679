import { randomUUID } from 'node:crypto';
import { CommandClaimRepository, OutboxRepository, PrismaService, ProcessedMessageRepository, type Tx } from '@junction/persistence';
import { createTestDatabase, waitUntil, type TestDatabase } from '@junction/testing';
import { runPoolScenario } from '../../test/effect-step-pool.scenario';
import type { MessagingModuleOptions } from '../messaging.module';
import { OutboxRelay } from '../outbox/outbox.relay';
import { MemoryTransport } from '../transports/memory/memory.transport';
import { EffectStep, type EffectStepOptions } from './effect-step';
import { ClaimLostError, CommandClaimedError, EffectStepErrorCodes } from './effect-step.errors';

const CONSUMER = 'effect-step-spec';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** claim → call → commit on real Postgres: the pool under load, and each rule of the claim. */
describe('EffectStep (real Postgres)', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  const claims = () => new CommandClaimRepository(prisma);

  /** A replica: its own owner id (two instances in one process stand for two replicas). */
  function replica(owner: string, step: Omit<EffectStepOptions, 'owner'> = {}): EffectStep {
    const bus = new MemoryTransport();
    const options: MessagingModuleOptions = { bus, consumer: CONSUMER, relay: false, effectStep: { ...step, owner } };
    return new EffectStep(prisma, claims(), new ProcessedMessageRepository(), new OutboxRelay(new OutboxRepository(prisma), bus, options), options);
  }

  /** The outcome as a commit writes it: one effect-ledger row per command. */
  const recordEffect = (messageId: string, owner: string) => (tx: Tx) =>
    tx.effectLedger
      .create({ data: { commandId: messageId, consumer: CONSUMER, provider: 'spec', operation: 'op', naturalKey: messageId, outcome: 'created', detail: { owner } } })
      .then(() => undefined);
  const ledgerRows = (messageId: string) => prisma.effectLedger.findMany({ where: { commandId: messageId } });
  const claimRow = (messageId: string) => claims().find(CONSUMER, messageId);

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = new PrismaService(db.url, { poolMax: 10 });
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });

  it('64 commands whose provider call takes 2 s, concurrency 64, a pool of 10: all complete at once, no transaction held across a call', async () => {
    const figures = await runPoolScenario({ databaseUrl: db.url, mode: 'effect-step', commands: 64, callMs: 2_000, concurrency: 64, poolMax: 10, giveUpMs: 30_000 });
    process.stdout.write(`effect-step pool scenario: ${JSON.stringify(figures)}\n`);
    expect(figures).toMatchObject({ processed: 64, providerCalls: 64, failedDeliveries: 0, deadLettered: 0 });
    // Bounds with room for a loaded CI machine (here, beside other suites: 3.1–7.5 s, oldest transaction 170–670 ms,
    // 11–53 connection-s), each one the old shape cannot meet by construction (bench/effect-step: 15.4 s, 2.4 s, 141):
    // - the calls overlap: holding a connection per call, a pool of 10 needs ≥ 7 rounds of 2 s;
    expect(figures.wallMs).toBeLessThan(12_000);
    // - no transaction lives as long as a call (the old one contains the whole 2 s call);
    expect(figures.maxTransactionAgeMs).toBeLessThan(2_000);
    // - connections are held for claims and commits only: one held per call costs ≥ 64 × 2 s = 128 connection-s.
    expect(figures.poolConnectionSeconds).toBeLessThan(96);
  }, 60_000);

  it('acknowledges a processed command as a duplicate without running the effect', async () => {
    const id = randomUUID();
    const a = replica('host-a:1:aa');
    let calls = 0;
    const spec = { effect: async () => ++calls, commit: recordEffect(id, 'a') };
    expect(await a.run({ id }, spec)).toEqual({ duplicate: false, result: 1 });
    expect(await a.run({ id }, spec)).toEqual({ duplicate: true });
    expect(await replica('host-b:2:bb').run({ id }, spec)).toEqual({ duplicate: true });
    expect(calls).toBe(1);
    expect(await claimRow(id)).toBeNull();
    expect(await prisma.processedMessage.count({ where: { messageId: id } })).toBe(1);
  });

  it('a live claim held by another replica defers the delivery (retryable, retry after ≈ the lease left) without calling', async () => {
    const id = randomUUID();
    const a = replica('host-a:1:aa', { leaseMs: 5_000 });
    const b = replica('host-b:2:bb', { leaseMs: 5_000 });
    let release!: () => void;
    const running = a.run({ id }, { effect: () => new Promise<string>((resolve) => (release = () => resolve('a'))), commit: recordEffect(id, 'a') });
    await waitForClaim(id);

    let bCalled = false;
    const error = (await b.run({ id }, { effect: async () => (bCalled = true), commit: recordEffect(id, 'b') }).catch((e: unknown) => e)) as CommandClaimedError;
    expect(error).toBeInstanceOf(CommandClaimedError);
    expect(error).toMatchObject({ code: EffectStepErrorCodes.commandClaimed, retryable: true });
    expect(error.retryAfterMs).toBeGreaterThan(3_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(5_250);
    expect(bCalled).toBe(false);

    release();
    expect(await running).toEqual({ duplicate: false, result: 'a' });
    expect(await b.run({ id }, { effect: async () => (bCalled = true), commit: recordEffect(id, 'b') })).toEqual({ duplicate: true });
    expect(await ledgerRows(id)).toHaveLength(1);
  });

  it('releases the claim when the effect fails, so the redelivery claims at once (attempt 2)', async () => {
    const id = randomUUID();
    const a = replica('host-a:1:aa', { leaseMs: 60_000 });
    const failure = Object.assign(new Error('provider down'), { retryable: true });
    await expect(a.run({ id }, { effect: () => Promise.reject(failure), commit: recordEffect(id, 'a') })).rejects.toBe(failure);
    expect((await claimRow(id))!.leaseUntil.getTime()).toBeLessThan(Date.now());
    expect(await prisma.processedMessage.count({ where: { messageId: id } })).toBe(0);

    const attempts: number[] = [];
    const outcome = await replica('host-b:2:bb').run({ id }, { effect: async ({ attempt }) => attempts.push(attempt), commit: recordEffect(id, 'b') });
    expect(outcome.duplicate).toBe(false);
    expect(attempts).toEqual([2]);
  });

  it('releases the claim and commits nothing when the commit fails', async () => {
    const id = randomUUID();
    const a = replica('host-a:1:aa');
    const broken = async (tx: Tx) => {
      await recordEffect(id, 'a')(tx);
      throw new Error('constraint violated');
    };
    await expect(a.run({ id }, { effect: async () => 'x', commit: broken })).rejects.toThrow('constraint violated');
    expect(await ledgerRows(id)).toHaveLength(0);
    expect(await prisma.processedMessage.count({ where: { messageId: id } })).toBe(0);
    expect((await claimRow(id))!.leaseUntil.getTime()).toBeLessThan(Date.now());
  });

  it('a heartbeat keeps the lease of a call longer than the lease', async () => {
    const id = randomUUID();
    const a = replica('host-a:1:aa', { leaseMs: 600 });
    const b = replica('host-b:2:bb', { leaseMs: 600 });
    const running = a.run({ id }, { effect: () => sleep(1_800).then(() => 'a'), commit: recordEffect(id, 'a') });
    await sleep(1_200); // twice the lease: without a heartbeat it would have lapsed and b would take over
    await expect(b.run({ id }, { effect: async () => 'b', commit: recordEffect(id, 'b') })).rejects.toBeInstanceOf(CommandClaimedError);
    expect(await running).toEqual({ duplicate: false, result: 'a' });
    expect((await ledgerRows(id)).map((r) => r.detail)).toEqual([{ owner: 'a' }]);
  });

  it('a lapsed lease is taken over; the replica that lost it is aborted and cannot commit, so the outcome commits once', async () => {
    const id = randomUUID();
    const a = replica('host-a:1:aa', { leaseMs: 60_000, heartbeatMs: 100 });
    const b = replica('host-b:2:bb', { leaseMs: 60_000 });
    let aSignal: AbortSignal | undefined;
    let finishA!: () => void;
    const runningA = a.run({ id }, {
      effect: ({ signal }) => {
        aSignal = signal;
        // A call that ignores its signal (the worst case): it returns after the take-over.
        return new Promise<string>((resolve) => (finishA = () => resolve('a')));
      },
      commit: recordEffect(id, 'a'),
    });
    await waitForClaim(id);
    // a stalls (GC pause, frozen VM) past its lease: what a take-over sees.
    await prisma.$executeRaw`UPDATE "command_claim" SET "leaseUntil" = now() - interval '1 second' WHERE "messageId" = ${id}::uuid`;

    const outcomeB = await b.run({ id }, { effect: async ({ attempt }) => `b${attempt}`, commit: recordEffect(id, 'b') });
    expect(outcomeB).toEqual({ duplicate: false, result: 'b2' });
    await waitUntil(() => aSignal?.aborted === true, 5_000, 'the heartbeat to notice the take-over');
    finishA();
    await expect(runningA).rejects.toBeInstanceOf(ClaimLostError);
    await expect(runningA).rejects.toMatchObject({ code: EffectStepErrorCodes.claimLost, retryable: true });
    expect((await ledgerRows(id)).map((r) => r.detail)).toEqual([{ owner: 'b' }]);
    expect(await prisma.processedMessage.count({ where: { messageId: id } })).toBe(1);
  });

  it('the commit is guarded by owner and attempt: a take-over between call and commit rolls the loser back', async () => {
    const id = randomUUID();
    // No heartbeat during the call to notice the take-over: only the commit's guard stands in the way.
    const a = replica('host-a:1:aa', { leaseMs: 60_000, heartbeatMs: 60_000 });
    const b = replica('host-b:2:bb', { leaseMs: 60_000 });
    const runningA = a.run({ id }, {
      effect: async () => {
        await prisma.$executeRaw`UPDATE "command_claim" SET "leaseUntil" = now() - interval '1 second' WHERE "messageId" = ${id}::uuid`;
        // b takes over, calls and is still in flight (its claim live) when a tries to commit.
        const claimed = await claims().claim(CONSUMER, id, b.owner, 60_000);
        expect(claimed.claimed).toBe(true);
        return 'a';
      },
      commit: recordEffect(id, 'a'),
    });
    await expect(runningA).rejects.toBeInstanceOf(ClaimLostError);
    expect(await ledgerRows(id)).toHaveLength(0);
    expect(await prisma.processedMessage.count({ where: { messageId: id } })).toBe(0);
    expect(await claimRow(id)).toMatchObject({ owner: b.owner, attempts: 2 });
  });

  async function waitForClaim(id: string): Promise<void> {
    await waitUntil(async () => (await claimRow(id)) !== null, 5_000, 'the claim');
  }
});

