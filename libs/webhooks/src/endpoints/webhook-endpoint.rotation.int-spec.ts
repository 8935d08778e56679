import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { clearEndpointTables, credentialBytes, endpointServiceFor } from './endpoint-test.fixture';
import { type ActorContext, EndpointError } from './endpoint.types';

const A: ActorContext = { tenantId: 'tenant-a', actor: 'cli' };
const OLD = 'whsec_old-plaintext-secret-value';
const NEW = 'whsec_new-plaintext-secret-value';
const DAY_MS = 86_400_000;

async function rejection(promise: Promise<unknown>): Promise<EndpointError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof EndpointError)) throw new Error(`expected an EndpointError, got ${String(error)}`);
  expect(JSON.stringify({ ...error, message: error.message })).not.toContain('plaintext-secret');
  return error;
}

describe('WebhookEndpointService secret rotation (real Postgres)', () => {
  let db: TestDatabase;
  let fixture: ReturnType<typeof endpointServiceFor>;
  const ingressSecrets = async (id: string) => {
    const endpoint = await fixture.endpoints.findForIngress(id);
    return endpoint!.secrets.map((s) => fixture.credentials.reveal(s.credential)).sort();
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    fixture = endpointServiceFor(db);
  });
  afterAll(() => db.drop());
  beforeEach(async () => {
    await clearEndpointTables(db);
    await fixture.service.create(A, { id: 'rot', provider: 'stripe', scheme: 'stripe', secrets: [OLD] });
  });

  it('adds a secret: both verify until the previous one expires (a day by default), then only the new one', async () => {
    const started = Date.now();
    const view = await fixture.service.addSecret(A, 'rot', { secret: NEW });
    const [previous, added] = view.secrets;
    expect(added).toMatchObject({ active: true, expiresAt: null });
    expect(previous!.active).toBe(true);
    expect(previous!.expiresAt!.getTime()).toBeGreaterThanOrEqual(started + DAY_MS - 1_000);
    expect(previous!.expiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + DAY_MS);
    expect(await ingressSecrets('rot')).toEqual([NEW, OLD].sort());
    expect(JSON.stringify(view)).not.toContain('plaintext-secret');

    // A day later (moved back in the database instead of waiting):
    await db.prisma.webhookSecret.update({ where: { id: previous!.id }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    expect(await ingressSecrets('rot')).toEqual([NEW]);
    expect((await fixture.service.get(A, 'rot')).secrets.map((s) => s.active)).toEqual([false, true]);

    const audit = await db.prisma.auditEvent.findMany({ where: { subject: 'rot', action: 'endpoint.secret.added' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'cli', tenantId: 'tenant-a', outcome: 'ok', detail: { secretId: added!.id, expiring: [previous!.id] } });
    expect(JSON.stringify(audit)).not.toContain('plaintext-secret');
    const credentials = await db.prisma.credential.findMany();
    expect(credentials.some((c) => credentialBytes(c).includes(Buffer.from(NEW)))).toBe(false);
  });

  it('expirePreviousAfterSeconds 0 retires the previous secrets at once; null keeps them', async () => {
    await fixture.service.addSecret(A, 'rot', { secret: NEW, expirePreviousAfterSeconds: null });
    expect(await ingressSecrets('rot')).toEqual([NEW, OLD].sort());
    const view = await fixture.service.addSecret(A, 'rot', { secret: 'whsec_third-plaintext-secret', expirePreviousAfterSeconds: 0 });
    expect(view.secrets.map((s) => s.active)).toEqual([false, false, true]);
    expect(await ingressSecrets('rot')).toEqual(['whsec_third-plaintext-secret']);
  });

  it('never extends an expiry that is already sooner', async () => {
    const first = await fixture.service.addSecret(A, 'rot', { secret: NEW, expirePreviousAfterSeconds: 60 });
    const soon = first.secrets[0]!.expiresAt!;
    const second = await fixture.service.addSecret(A, 'rot', { secret: 'whsec_third-plaintext-secret' });
    expect(second.secrets[0]!.expiresAt).toEqual(soon);
    expect(second.secrets[1]!.expiresAt!.getTime()).toBeGreaterThan(Date.now() + DAY_MS - 5_000);
  });

  it('allows at most five active secrets', async () => {
    for (let i = 2; i <= 5; i++) await fixture.service.addSecret(A, 'rot', { secret: `whsec_plaintext-secret-${i}`, expirePreviousAfterSeconds: null });
    const error = await rejection(fixture.service.addSecret(A, 'rot', { secret: 'whsec_plaintext-secret-6', expirePreviousAfterSeconds: null }));
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    expect((await fixture.service.addSecret(A, 'rot', { secret: 'whsec_plaintext-secret-6', expirePreviousAfterSeconds: 0 })).secrets.filter((s) => s.active)).toHaveLength(1);
  });

  it('checks the new secret against the endpoint’s scheme, without echoing it', async () => {
    await fixture.service.create(A, { id: 'sw', provider: 'svix', scheme: 'standard-webhooks', secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'] });
    const error = await rejection(fixture.service.addSecret(A, 'sw', { secret: 'whsec_not-base64-plaintext-secret!' }));
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'secret: not usable as a standard-webhooks signing secret' });
  });

  it('removes a secret with its credential row, but never the last active one', async () => {
    const view = await fixture.service.addSecret(A, 'rot', { secret: NEW, expirePreviousAfterSeconds: null });
    const [old, added] = view.secrets;
    const after = await fixture.service.removeSecret(A, 'rot', old!.id);
    expect(after.secrets.map((s) => s.id)).toEqual([added!.id]);
    expect(await db.prisma.credential.count()).toBe(1);
    expect(await ingressSecrets('rot')).toEqual([NEW]);

    expect(await rejection(fixture.service.removeSecret(A, 'rot', added!.id))).toMatchObject({ code: 'LAST_SECRET', status: 409 });
    expect(await rejection(fixture.service.removeSecret(A, 'rot', old!.id))).toMatchObject({ code: 'ENDPOINT_NOT_FOUND', status: 404 });
    expect(await rejection(fixture.service.removeSecret(A, 'rot', 'not-a-uuid'))).toMatchObject({ code: 'ENDPOINT_NOT_FOUND' });
    expect((await db.prisma.auditEvent.findMany({ where: { action: 'endpoint.secret.removed' } })).map((a) => a.detail)).toEqual([{ secretId: old!.id }]);
  });

  it('an expired secret may be removed even when it is the only other one', async () => {
    const view = await fixture.service.addSecret(A, 'rot', { secret: NEW, expirePreviousAfterSeconds: 0 });
    expect((await fixture.service.removeSecret(A, 'rot', view.secrets[0]!.id)).secrets).toHaveLength(1);
  });

  it('two removals racing cannot leave the endpoint without an active secret', async () => {
    const view = await fixture.service.addSecret(A, 'rot', { secret: NEW, expirePreviousAfterSeconds: null });
    const results = await Promise.allSettled(view.secrets.map((s) => fixture.service.removeSecret(A, 'rot', s.id)));
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((await fixture.service.get(A, 'rot')).secrets.filter((s) => s.active)).toHaveLength(1);
  });
});
