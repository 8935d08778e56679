import { AuditEventRepository, type NewAuditEvent, type Tx } from '@junction/persistence';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { clearEndpointTables, credentialBytes, endpointServiceFor } from './endpoint-test.fixture';
import { type ActorContext, EndpointError } from './endpoint.types';
import type { WebhookEndpointService } from './webhook-endpoint.service';

const A: ActorContext = { tenantId: 'tenant-a', actor: 'admin:keyA' };
const B: ActorContext = { tenantId: 'tenant-b', actor: 'admin:keyB' };
const SECRET = 'whsec_plaintext-that-must-never-appear-anywhere-1';
const SECRET_2 = 'whsec_plaintext-that-must-never-appear-anywhere-2';
const stripe = { provider: 'stripe', scheme: 'stripe', secrets: [SECRET, SECRET_2] };
const hmacOptions = { signatureHeader: 'x-signature', algorithm: 'sha256', encoding: 'hex' };

async function rejection(promise: Promise<unknown>): Promise<EndpointError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof EndpointError)) throw new Error(`expected an EndpointError, got ${String(error)}`);
  expect(JSON.stringify({ ...error, message: error.message })).not.toContain('plaintext-that-must-never');
  return error;
}

describe('WebhookEndpointService (real Postgres)', () => {
  let db: TestDatabase;
  let service: WebhookEndpointService;
  let fixture: ReturnType<typeof endpointServiceFor>;
  const auditOf = (subject: string) => db.prisma.auditEvent.findMany({ where: { subject }, orderBy: { occurredAt: 'asc' } });

  beforeAll(async () => {
    db = await createTestDatabase();
    fixture = endpointServiceFor(db);
    service = fixture.service;
  });
  afterAll(() => db.drop());
  beforeEach(() => clearEndpointTables(db));

  it('creates an endpoint with defaults, sealed secrets and one audit row', async () => {
    const view = await service.create(A, { ...stripe, id: 'shop-1', description: 'Stripe live' });
    expect(view).toMatchObject({
      id: 'shop-1',
      tenantId: 'tenant-a',
      provider: 'stripe',
      scheme: 'stripe',
      schemeOptions: {},
      description: 'Stripe live',
      url: '/webhooks/stripe/shop-1',
      toleranceSeconds: 300,
      futureToleranceSeconds: 60,
      bodyLimitBytes: 262_144,
      rateLimit: null,
      routes: [],
      disabled: false,
    });
    expect(view.secrets).toHaveLength(2);
    expect(view.secrets.every((s) => s.active && s.expiresAt === null && s.createdAt instanceof Date)).toBe(true);
    expect(JSON.stringify(view)).not.toContain('plaintext-that-must-never');

    const rows = await db.prisma.credential.findMany({ include: { webhookSecrets: true } });
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({ tenantId: 'tenant-a', purpose: 'webhook-secret', keyId: 'k1' });
      const bytes = credentialBytes(row);
      expect(bytes.includes(Buffer.from(SECRET))).toBe(false);
      expect(bytes.includes(Buffer.from('plaintext-that-must-never'))).toBe(false);
    }
    expect(rows.map((r) => fixture.credentials.reveal(r)).sort()).toEqual([SECRET, SECRET_2]);

    const [audit] = await auditOf('shop-1');
    expect(audit).toMatchObject({ action: 'endpoint.created', actor: 'admin:keyA', tenantId: 'tenant-a', outcome: 'ok' });
    expect(audit!.detail).toEqual({ provider: 'stripe', scheme: 'stripe', secretIds: view.secrets.map((s) => s.id) });
    expect(JSON.stringify(await db.prisma.auditEvent.findMany())).not.toContain('plaintext-that-must-never');
  });

  it('gives an endpoint without id a uuid, and refuses a taken id (any tenant) writing nothing', async () => {
    const view = await service.create(A, { ...stripe, secrets: [SECRET] });
    expect(view.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await service.create(A, { ...stripe, id: 'taken' });
    const before = { credentials: await db.prisma.credential.count(), audit: await db.prisma.auditEvent.count() };
    const error = await rejection(service.create(B, { ...stripe, id: 'taken' }));
    expect(error).toMatchObject({ code: 'ENDPOINT_EXISTS', status: 409 });
    expect({ credentials: await db.prisma.credential.count(), audit: await db.prisma.auditEvent.count() }).toEqual(before);
    expect((await service.get(A, 'taken')).tenantId).toBe('tenant-a');
  });

  it('answers invalid input with VALIDATION_FAILED that does not repeat the secret', async () => {
    const error = await rejection(service.create(A, { ...stripe, scheme: 'standard-webhooks', secrets: ['whsec_!!plaintext-that-must-never'] }));
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    expect(error.message).toContain('secrets.0');
    expect(await db.prisma.webhookEndpoint.count()).toBe(0);
  });

  it('lists and gets only the caller tenant’s endpoints', async () => {
    await service.create(A, { ...stripe, id: 'a-1' });
    await service.create(A, { ...stripe, id: 'a-2', provider: 'github', scheme: 'github' });
    await service.create(B, { ...stripe, id: 'b-1' });
    expect((await service.list(A)).map((e) => e.id)).toEqual(['a-1', 'a-2']);
    expect((await service.list(B)).map((e) => e.id)).toEqual(['b-1']);
    expect((await service.get(A, 'a-2')).url).toBe('/webhooks/github/a-2');
    expect(await rejection(service.get(A, 'missing'))).toMatchObject({ code: 'ENDPOINT_NOT_FOUND', status: 404 });
  });

  it('hides another tenant’s endpoint from every operation and changes nothing', async () => {
    const created = await service.create(A, { ...stripe, id: 'a-only' });
    const attempts: Array<Promise<unknown>> = [
      service.get(B, 'a-only'),
      service.update(B, 'a-only', { disabled: true }),
      service.remove(B, 'a-only'),
      service.addSecret(B, 'a-only', { secret: 'whsec_other' }),
      service.removeSecret(B, 'a-only', created.secrets[0]!.id),
    ];
    for (const attempt of attempts) expect(await rejection(attempt)).toMatchObject({ code: 'ENDPOINT_NOT_FOUND', status: 404 });
    const after = await service.get(A, 'a-only');
    expect(after).toEqual({ ...created, updatedAt: after.updatedAt });
    expect(after.updatedAt.getTime()).toBe(created.updatedAt.getTime());
    expect(await db.prisma.auditEvent.count({ where: { tenantId: 'tenant-b' } })).toBe(0);
  });

  it('updates settings, records which fields changed, and disabling hides the endpoint from ingress', async () => {
    await service.create(A, { ...stripe, id: 'upd', description: 'old', rateLimit: { perSecond: 5, burst: 10 } });
    const route = { name: 'orders', eventTypes: ['orders/*'], command: 'erp.sales-order.create', mapping: '$' };
    const view = await service.update(A, 'upd', { description: null, rateLimit: null, toleranceSeconds: 30, routes: [route], disabled: true });
    expect(view).toMatchObject({ description: null, rateLimit: null, toleranceSeconds: 30, routes: [route], disabled: true });
    expect(await fixture.endpoints.findForIngress('upd')).toBeNull();
    expect((await service.update(A, 'upd', { disabled: false })).disabled).toBe(false);
    expect(await fixture.endpoints.findForIngress('upd')).not.toBeNull();

    const audit = await auditOf('upd');
    expect(audit.map((a) => a.action)).toEqual(['endpoint.created', 'endpoint.updated', 'endpoint.updated']);
    expect(audit[1]!.detail).toEqual({ fields: ['description', 'disabled', 'rateLimit', 'routes', 'toleranceSeconds'] });
  });

  it('keeps scheme and schemeOptions consistent across updates', async () => {
    await service.create(A, { ...stripe, id: 'sch' });
    expect((await rejection(service.update(A, 'sch', { scheme: 'generic-hmac' }))).message).toBe('schemeOptions: required for generic-hmac');
    expect((await rejection(service.update(A, 'sch', { schemeOptions: hmacOptions }))).message).toBe('schemeOptions: only generic-hmac takes options, not stripe');
    const hmac = await service.update(A, 'sch', { scheme: 'generic-hmac', schemeOptions: hmacOptions });
    expect(hmac).toMatchObject({ scheme: 'generic-hmac', schemeOptions: hmacOptions });
    expect((await service.update(A, 'sch', { toleranceSeconds: 5 })).schemeOptions).toEqual(hmacOptions);
    expect(await service.update(A, 'sch', { scheme: 'github' })).toMatchObject({ scheme: 'github', schemeOptions: {} });
    // The stored secrets are not Standard Webhooks secrets (whsec_ + base64): that switch would break ingress.
    expect((await rejection(service.update(A, 'sch', { scheme: 'standard-webhooks' }))).message).toMatch(/^scheme: active secret .* is not usable/);
  });

  it('refuses to patch secrets, and an empty patch', async () => {
    await service.create(A, { ...stripe, id: 'nosec' });
    expect((await rejection(service.update(A, 'nosec', { secrets: [SECRET] }))).message).toMatch(/^secrets: /);
    expect((await rejection(service.update(A, 'nosec', {}))).code).toBe('VALIDATION_FAILED');
  });

  it('removes the endpoint with its secrets and credential rows, audited', async () => {
    await service.create(A, { ...stripe, id: 'gone' });
    await service.create(A, { ...stripe, id: 'stays', secrets: ['whsec_other'] });
    await service.remove(A, 'gone');
    expect(await rejection(service.get(A, 'gone'))).toMatchObject({ code: 'ENDPOINT_NOT_FOUND' });
    expect(await db.prisma.credential.count()).toBe(1);
    expect(await db.prisma.webhookSecret.count()).toBe(1);
    expect((await auditOf('gone')).map((a) => [a.action, a.actor])).toEqual([
      ['endpoint.created', 'admin:keyA'],
      ['endpoint.deleted', 'admin:keyA'],
    ]);
    expect(await rejection(service.remove(A, 'gone'))).toMatchObject({ code: 'ENDPOINT_NOT_FOUND' });
  });

  it('commits a change and its audit row together: a failing audit write leaves no endpoint behind', async () => {
    class FailingAudit extends AuditEventRepository {
      override async insertMany(_rows: readonly NewAuditEvent[], _tx?: Tx): Promise<void> {
        throw new Error('audit unavailable');
      }
    }
    const failing = endpointServiceFor(db, new FailingAudit(db.prisma)).service;
    await expect(failing.create(A, { ...stripe, id: 'atomic' })).rejects.toThrow('audit unavailable');
    expect(await db.prisma.webhookEndpoint.count()).toBe(0);
    expect(await db.prisma.credential.count()).toBe(0);
  });
});
