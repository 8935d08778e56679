import { randomUUID } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { CallRecordRepository } from './call-record/call-record.repository';
import { DeadLetterRepository } from './dead-letter/dead-letter.repository';
import { EffectLedgerRepository } from './effect-ledger/effect-ledger.repository';
import { PersistenceModule } from './persistence.module';
import { PrismaService } from './prisma/prisma.service';

describe('PersistenceModule.forRoot (real Postgres)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('wires PrismaService and the repositories, and they work end to end', async () => {
    const app = await Test.createTestingModule({ imports: [PersistenceModule.forRoot({ databaseUrl: db.url, poolMax: 2 })] }).compile();
    await app.init();
    const prisma = app.get(PrismaService);
    await prisma.ping();

    const commandId = randomUUID();
    const ledger = app.get(EffectLedgerRepository);
    const base = { commandId, consumer: 'crm-worker', provider: 'erpnext', operation: 'customer.create', naturalKey: 'ada@example.com' };
    await prisma.transaction((tx) => ledger.record(tx, { ...base, outcome: 'failed', detail: { status: 503 } }));
    await prisma.transaction((tx) => ledger.record(tx, { ...base, outcome: 'created', externalRef: 'CUST-0001' }));
    expect(await ledger.find('crm-worker', commandId, 'customer.create')).toMatchObject({
      outcome: 'created',
      externalRef: 'CUST-0001',
      detail: { status: 503 },
    });
    expect(await ledger.find('crm-worker', commandId, 'customer.update')).toBeNull();

    const deadLetters = app.get(DeadLetterRepository);
    const dead = { topic: 'crm.commands', type: 'customer.create', reason: 'invalid', description: 'body failed schema', deliveryCount: 1, rawBody: '{}', headers: {} };
    await deadLetters.record({ ...dead, messageId: 'm-1', subscription: 'crm-worker', deadLetteredAt: new Date('2026-01-01T00:00:00Z') });
    await deadLetters.record({ ...dead, messageId: 'm-2', subscription: 'crm-worker', deadLetteredAt: new Date('2026-01-02T00:00:00Z') });
    await deadLetters.record({ ...dead, messageId: 'm-3', subscription: 'erp-worker' });
    expect((await deadLetters.list({ subscription: 'crm-worker', limit: 10 })).map((d) => d.messageId)).toEqual(['m-2', 'm-1']);
    expect(await deadLetters.list({ limit: 2 })).toHaveLength(2);

    const call = await app.get(CallRecordRepository).record({ provider: 'erpnext', operation: 'customer.create', outcome: 'ok', httpStatus: 200, latencyMs: 42, attempt: 1 });
    expect(call.id).toMatch(/^[0-9a-f-]{36}$/);

    const disconnect = jest.spyOn(prisma, '$disconnect');
    await app.close();
    expect(disconnect).toHaveBeenCalledTimes(1);
  });

  it('ping rejects with DATABASE_UNAVAILABLE when the server is unreachable', async () => {
    const unreachable = new PrismaService('postgresql://postgres@127.0.0.1:1/none');
    await expect(unreachable.ping(1_000)).rejects.toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
    await unreachable.$disconnect();
  });
});
