import { randomBytes } from 'node:crypto';
import { Logger, type LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ErpNextSandbox } from '@junction/connectors/erpnext';
import type { ActorContext } from '@junction/contracts';
import { PersistenceModule } from '@junction/persistence';
import { formatKeyEntry, SecurityModule } from '@junction/security';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { IntegrationsModule } from '../integrations.module';
import { OAuthTokenManager } from '../oauth/oauth-token.manager';
import { ConnectionService } from './connection.service';
import { ConnectionError } from './connection.types';

const A: ActorContext = { tenantId: 'tenant-a', actor: 'admin:keyA' };
const B: ActorContext = { tenantId: 'tenant-b', actor: 'admin:keyB' };
// The sandbox accepts exactly this pair; every secret in this file carries the marker the leak checks look for.
const KEY = 'erp-key-PLAINTEXT-1';
const SECRET = 'erp-secret-PLAINTEXT-1';
const WRONG_SECRET = 'wrong-secret-PLAINTEXT-2';
const MARKER = 'PLAINTEXT';

describe('ConnectionService (real Postgres, ERPNext sandbox)', () => {
  let db: TestDatabase;
  let service: ConnectionService;
  let sandbox: ErpNextSandbox;
  let erp: { type: string; name: string; config: { baseUrl: string }; credential: { apiKey: string; apiSecret: string } };
  const revoke = jest.fn(async (_connectionId: string, _actor: string) => undefined);
  const logged: string[] = [];
  const seen: unknown[] = [];

  const counts = async () => ({
    connection: await db.prisma.connection.count(),
    credential: await db.prisma.credential.count(),
    event: await db.prisma.connectionEvent.count(),
    audit: await db.prisma.auditEvent.count(),
    health: await db.prisma.connectionHealth.count(),
  });
  /** The ConnectionError a call rejects with (also kept for the leak check). */
  const failure = async (promise: Promise<unknown>): Promise<ConnectionError> => {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    if (!(error instanceof ConnectionError)) throw new Error(`expected a ConnectionError, got ${String(error)}`);
    seen.push({ code: error.code, status: error.status, message: error.message });
    return error;
  };
  const keep = <T>(value: T): T => {
    seen.push(value);
    return value;
  };

  beforeAll(async () => {
    const capture = (level: string) => (message: unknown, ...rest: unknown[]) => logged.push(`${level} ${JSON.stringify([message, ...rest])}`);
    const logger: LoggerService = { log: capture('log'), error: capture('error'), warn: capture('warn'), debug: capture('debug'), verbose: capture('verbose') };
    Logger.overrideLogger(logger);
    db = await createTestDatabase();
    sandbox = new ErpNextSandbox({ apiKey: KEY, apiSecret: SECRET });
    const { url } = await sandbox.start(0);
    erp = { type: 'erpnext', name: 'main site', config: { baseUrl: url }, credential: { apiKey: KEY, apiSecret: SECRET } };
    const moduleRef = await Test.createTestingModule({
      imports: [PersistenceModule.forRoot({ databaseUrl: db.url, poolMax: 4 }), SecurityModule.forRoot({ kek: formatKeyEntry('k1', randomBytes(32)) }), IntegrationsModule.forRoot({ mcpStdioCommands: ['/opt/mcp/allowed-server'] })],
    })
      // B's manager revokes at the provider; here only that disconnect asks it to, with the actor.
      .overrideProvider(OAuthTokenManager)
      .useValue({ revoke })
      .compile();
    await moduleRef.init(); // IntegrationCatalog syncs the catalog at bootstrap
    service = moduleRef.get(ConnectionService);
  });
  afterAll(async () => {
    await sandbox?.stop();
    await db?.drop();
    Logger.overrideLogger(false);
  });
  beforeEach(async () => {
    await db.prisma.connection.deleteMany();
    await db.prisma.credential.deleteMany();
    await db.prisma.auditEvent.deleteMany();
    revoke.mockClear();
  });
  afterEach(async () => {
    // Nothing a caller or an operator can see holds a secret: results, errors, log lines, events, audit rows.
    const events = await db.prisma.connectionEvent.findMany();
    const audit = await db.prisma.auditEvent.findMany();
    const health = await db.prisma.connectionHealth.findMany();
    const connections = await db.prisma.connection.findMany();
    expect(JSON.stringify([seen, logged, events, audit, health, connections])).not.toContain(MARKER);
    const sealed = await db.prisma.credential.findMany();
    for (const row of sealed) expect(Buffer.from(row.ciphertext).toString('latin1')).not.toContain(MARKER);
    seen.length = 0;
  });

  describe('create', () => {
    it('stores the connection with its schema defaults, seals the credential, makes the first of a type the default, and logs "created"', async () => {
      const view = keep(await service.create(A, erp));
      expect(view).toEqual({
        id: expect.any(String),
        tenantId: 'tenant-a',
        type: 'erpnext',
        name: 'main site',
        authMethod: 'api_key',
        config: { baseUrl: erp.config.baseUrl, transport: 'rest' },
        status: 'configuring',
        isDefault: true,
        hasCredential: true,
        credentialExpiresAt: null,
        credentialRotatedAt: null,
        lastTestedAt: null,
        lastError: null,
        connectedAt: null,
        createdAt: expect.any(Date),
        updatedAt: expect.any(Date),
      });
      const row = await db.prisma.connection.findUniqueOrThrow({ where: { id: view.id }, include: { credential: true } });
      expect(row.credential).toMatchObject({ tenantId: 'tenant-a', purpose: 'connection-secret', keyId: 'k1' });
      expect(await db.prisma.connectionEvent.findMany({ where: { connectionId: view.id } })).toEqual([expect.objectContaining({ type: 'created', actor: 'admin:keyA' })]);
      expect(await db.prisma.auditEvent.findMany()).toEqual([expect.objectContaining({ action: 'connection.created', actor: 'admin:keyA', tenantId: 'tenant-a', subject: view.id })]);

      const crm = keep(await service.create(A, { type: 'crm', name: 'hubspot', credential: { token: `crm-token-${MARKER}` }, credentialExpiresAt: '2031-01-01T00:00:00Z' }));
      expect(crm).toMatchObject({ authMethod: 'bearer', config: { baseUrl: 'https://api.hubapi.com' }, isDefault: true, credentialExpiresAt: new Date('2031-01-01T00:00:00Z') });
    });

    it('keeps one default per tenant and type: the second is not, isDefault:true moves it, isDefault:false opts out', async () => {
      const first = await service.create(A, erp);
      const second = await service.create(A, { ...erp, name: 'second' });
      expect(second.isDefault).toBe(false);
      const third = await service.create(A, { ...erp, name: 'third', isDefault: true });
      expect(third.isDefault).toBe(true);
      expect((await service.get(A, first.id)).isDefault).toBe(false);
      // Another tenant's first is its own default.
      expect((await service.create(B, erp)).isDefault).toBe(true);
      expect((await service.create(A, { type: 'rest', name: 'api', config: { baseUrl: 'https://api.example.com' }, isDefault: false })).isDefault).toBe(false);
      const moved = await service.update(A, second.id, { isDefault: true });
      expect(moved.isDefault).toBe(true);
      expect((await service.list(A, { type: 'erpnext' })).filter((c) => c.isDefault).map((c) => c.id)).toEqual([second.id]);
    });

    it('takes an mcp-stdio command the operator allowed (MCP_STDIO_COMMANDS)', async () => {
      expect(await service.create(A, { type: 'mcp-stdio', name: 'allowed', config: { command: '/opt/mcp/allowed-server' } })).toMatchObject({ type: 'mcp-stdio', authMethod: 'none' });
    });

    it('takes auth method none without a credential (hasCredential false, no credential row)', async () => {
      const view = await service.create(A, { type: 'mcp-http', name: 'tools', config: { url: 'https://mcp.example.com/mcp' } });
      expect(view).toMatchObject({ authMethod: 'none', hasCredential: false });
      expect(await db.prisma.credential.count()).toBe(0);
    });

    it.each([
      ['an unknown type', { ...erpInput(), type: 'sap' }, 400, 'UNKNOWN_INTEGRATION_TYPE', 'type: no integration type "sap"'],
      ['a config failing its schema (format)', { ...erpInput(), config: { baseUrl: 'not a url' } }, 400, 'INVALID_CONFIG', 'config.baseUrl: must match format "uri"'],
      ['a config without a required field', { ...erpInput(), config: {} }, 400, 'INVALID_CONFIG', 'config.baseUrl: is required by erpnext'],
      ['a config with a field the type does not have', { ...erpInput(), config: { baseUrl: 'https://erp.example.com', baseURL: 'x' } }, 400, 'INVALID_CONFIG', 'config.baseURL: is not a erpnext setting'],
      ['a config of the wrong type', { ...erpInput(), config: { baseUrl: 'https://erp.example.com', timeoutMs: 'fast' } }, 400, 'INVALID_CONFIG', 'config.timeoutMs: must be integer'],
      ['a nested config error', { type: 'linkedin', name: 'li', config: { oauth: { scopes: [''] } } }, 400, 'INVALID_CONFIG', 'config.oauth.scopes.0: must NOT have fewer than 1 characters'],
      ['an unknown auth method', { ...erpInput(), authMethod: 'password' }, 400, 'UNKNOWN_AUTH_METHOD', 'authMethod: "password" is not an auth method'],
      ['an auth method the type does not support', { ...erpInput(), authMethod: 'oauth2' }, 400, 'AUTH_METHOD_NOT_SUPPORTED', 'authMethod: erpnext does not support oauth2'],
      ['a credential for another auth method', { ...erpInput(), credential: { token: `tok-${MARKER}` } }, 400, 'INVALID_CREDENTIAL', 'credential.'],
      ['a credential missing a field', { ...erpInput(), authMethod: 'basic', credential: { username: 'u' } }, 400, 'INVALID_CREDENTIAL', 'credential.password'],
      ['a credential that is not an object', { ...erpInput(), credential: `raw-${MARKER}` }, 400, 'INVALID_CREDENTIAL', 'credential'],
      ['an unknown body field', { ...erpInput(), secret: `s-${MARKER}` }, 400, 'VALIDATION_FAILED', '(body): Unrecognized key: "secret"'],
      ['no name', { ...erpInput(), name: '' }, 400, 'VALIDATION_FAILED', 'name:'],
      ['a bad expiry', { ...erpInput(), credentialExpiresAt: 'tomorrow' }, 400, 'VALIDATION_FAILED', 'credentialExpiresAt:'],
      ['an mcp-stdio command the operator has not allowed', { type: 'mcp-stdio', name: 'sh', config: { command: '/bin/sh', args: ['-c', 'id'] } }, 403, 'MCP_COMMAND_NOT_ALLOWED', 'config.command:'],
    ])('refuses %s with a 4xx, a stable code and a message naming the field, and stores nothing', async (_case, body, status, code, message) => {
      const error = await failure(service.create(A, body));
      expect({ status: error.status, code: error.code }).toEqual({ status, code });
      expect(error.message).toContain(message);
      expect(error.message).not.toContain(MARKER);
      expect(await counts()).toEqual({ connection: 0, credential: 0, event: 0, audit: 0, health: 0 });
    });

    it('refuses a name the tenant already uses with 409 CONNECTION_NAME_TAKEN and stores nothing more (another tenant may use it)', async () => {
      await service.create(A, erp);
      const before = await counts();
      const error = await failure(service.create(A, { type: 'crm', name: 'main site', credential: { token: `t-${MARKER}` } }));
      expect({ status: error.status, code: error.code, message: error.message }).toEqual({ status: 409, code: 'CONNECTION_NAME_TAKEN', message: 'name: a connection named "main site" already exists' });
      expect(await counts()).toEqual(before);
      await expect(service.create(B, erp)).resolves.toMatchObject({ name: 'main site', tenantId: 'tenant-b' });
    });

    it('two concurrent creates of the same name: one wins, the other is 409 (never a 500)', async () => {
      const results = await Promise.allSettled([service.create(A, erp), service.create(A, erp)]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
      expect(rejected.reason).toMatchObject({ code: 'CONNECTION_NAME_TAKEN', status: 409 });
      expect(await db.prisma.connection.count()).toBe(1);
    });
  });

  describe('update', () => {
    it('validates and replaces the config (event config_updated names the changed keys), renames, and refuses a taken name', async () => {
      const view = await service.create(A, erp);
      await service.create(A, { ...erp, name: 'other' });
      const updated = await service.update(A, view.id, { config: { baseUrl: erp.config.baseUrl, timeoutMs: 2000 }, name: 'renamed' });
      expect(updated).toMatchObject({ name: 'renamed', config: { baseUrl: erp.config.baseUrl, timeoutMs: 2000 } });
      const event = await db.prisma.connectionEvent.findFirstOrThrow({ where: { connectionId: view.id, type: 'config_updated' } });
      expect(event.detail).toEqual({ fields: ['config', 'name'], configKeys: ['timeoutMs'] });

      const before = await counts();
      const bad = await failure(service.update(A, view.id, { config: { baseUrl: 'nope' } }));
      expect([bad.status, bad.code, bad.message]).toEqual([400, 'INVALID_CONFIG', 'config.baseUrl: must match format "uri"']);
      const taken = await failure(service.update(A, view.id, { name: 'other' }));
      expect([taken.status, taken.code]).toEqual([409, 'CONNECTION_NAME_TAKEN']);
      const empty = await failure(service.update(A, view.id, {}));
      expect([empty.status, empty.code]).toEqual([400, 'VALIDATION_FAILED']);
      const credential = await failure(service.update(A, view.id, { credential: { apiKey: `k-${MARKER}` } }));
      expect([credential.status, credential.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(await counts()).toEqual(before);
      expect(await service.get(A, view.id)).toMatchObject({ name: 'renamed', config: { timeoutMs: 2000 } });
    });
  });

  describe('connect and test (ERPNext sandbox)', () => {
    it('connect with good credentials: connected, connectedAt, a health row, events tested + connected', async () => {
      const view = await service.create(A, erp);
      const result = keep(await service.connect(A, view.id));
      expect(result.test).toMatchObject({ ok: true, errorClass: null, capabilities: ['user:Administrator'] });
      expect(result.connection).toMatchObject({ status: 'connected', lastError: null, connectedAt: expect.any(Date), lastTestedAt: expect.any(Date) });
      expect(await db.prisma.connectionHealth.findMany({ where: { connectionId: view.id } })).toEqual([expect.objectContaining({ ok: true, tenantId: 'tenant-a' })]);
      const types = (await service.logs(A, view.id)).items.map((e) => e.type);
      expect(types).toEqual(['connected', 'tested', 'created']);
    });

    it('connect with a rejected secret: status error with lastError, events tested + error; a later good test brings it back', async () => {
      const view = await service.create(A, { ...erp, credential: { apiKey: KEY, apiSecret: WRONG_SECRET } });
      const result = keep(await service.connect(A, view.id));
      expect(result.test).toMatchObject({ ok: false, errorClass: 'auth' });
      expect(result.connection).toMatchObject({ status: 'error', connectedAt: null, lastError: { code: 'auth', message: expect.any(String) } });
      expect((await service.logs(A, view.id)).items.map((e) => e.type)).toEqual(['error', 'tested', 'created']);

      // Rotation: the next test opens the new secret.
      const rotated = keep(await service.rotateCredential(A, view.id, { credential: { apiKey: KEY, apiSecret: SECRET } }));
      expect(rotated).toMatchObject({ hasCredential: true, credentialRotatedAt: expect.any(Date) });
      const test = keep(await service.test(A, view.id));
      expect(test.ok).toBe(true);
      expect(await service.get(A, view.id)).toMatchObject({ status: 'connected', lastError: null });

      const health = keep(await service.health(A, view.id));
      expect(health.items.map((h) => h.ok)).toEqual([true, false]);
      expect(health.summary).toMatchObject({ checks: 2, ok: 1, failed: 1, uptimeRatio: 0.5, p50LatencyMs: health.items[0]!.latencyMs, p95LatencyMs: health.items[0]!.latencyMs });
    });

    it('test on a configuring connection records health and the tested event but leaves the status', async () => {
      const view = await service.create(A, erp);
      const test = keep(await service.test(A, view.id));
      expect(test.ok).toBe(true);
      expect(await service.get(A, view.id)).toMatchObject({ status: 'configuring', lastTestedAt: expect.any(Date) });
      expect(await db.prisma.connectionHealth.count()).toBe(1);
    });

    it('an unreachable site is a failed result (errorClass unreachable), never an exception', async () => {
      const view = await service.create(A, { ...erp, name: 'gone', config: { baseUrl: 'http://127.0.0.1:9' } });
      const test = keep(await service.test(A, view.id));
      expect(test).toMatchObject({ ok: false, errorClass: 'unreachable' });
    });
  });

  describe('rotate-credential', () => {
    it('switches to a new credential row and deletes the old one in one transaction; event credential_rotated', async () => {
      const view = await service.create(A, erp);
      const oldId = (await db.prisma.connection.findUniqueOrThrow({ where: { id: view.id } })).credentialId!;
      await service.rotateCredential(A, view.id, { credential: { apiKey: KEY, apiSecret: `rotated-${MARKER}` }, expiresAt: '2030-06-01T00:00:00.000Z' });
      const row = await db.prisma.connection.findUniqueOrThrow({ where: { id: view.id } });
      expect(row.credentialId).not.toBe(oldId);
      expect(await db.prisma.credential.findUnique({ where: { id: oldId } })).toBeNull();
      expect(await db.prisma.credential.count()).toBe(1);
      expect(await service.get(A, view.id)).toMatchObject({ credentialExpiresAt: new Date('2030-06-01T00:00:00Z') });
      expect((await service.logs(A, view.id, { limit: 1 })).items[0]).toMatchObject({ type: 'credential_rotated', actor: 'admin:keyA' });
    });

    it('refuses a credential for another auth method (400 INVALID_CREDENTIAL) and keeps the old one', async () => {
      const view = await service.create(A, erp);
      const before = await db.prisma.connection.findUniqueOrThrow({ where: { id: view.id } });
      const error = await failure(service.rotateCredential(A, view.id, { credential: { token: `tok-${MARKER}` } }));
      expect([error.status, error.code]).toEqual([400, 'INVALID_CREDENTIAL']);
      expect(error.message).toMatch(/^credential\./);
      expect(await db.prisma.connection.findUniqueOrThrow({ where: { id: view.id } })).toMatchObject({ credentialId: before.credentialId, credentialRotatedAt: null });
      expect(await db.prisma.credential.count()).toBe(1);
    });
  });

  describe('oauth2, disconnect and remove', () => {
    it('connect on an unauthorized oauth2 connection is 409 OAUTH_AUTHORIZATION_REQUIRED pointing at /oauth/:id/authorize', async () => {
      const view = await service.create(A, { type: 'linkedin', name: 'brand', credential: { clientId: 'cid', clientSecret: `cs-${MARKER}` } });
      expect(view).toMatchObject({ authMethod: 'oauth2', config: { apiBaseUrl: 'https://api.linkedin.com' } });
      const error = await failure(service.connect(A, view.id));
      expect([error.status, error.code]).toEqual([409, 'OAUTH_AUTHORIZATION_REQUIRED']);
      expect(error.message).toContain(`GET /oauth/${view.id}/authorize`);
      expect(await db.prisma.connectionHealth.count()).toBe(0);
    });

    it('disconnect: status disconnected, event, and revokes the OAuth tokens of an oauth2 connection (not of others)', async () => {
      const li = await service.create(A, { type: 'linkedin', name: 'brand', credential: { clientId: 'cid', clientSecret: `cs-${MARKER}` } });
      const e = await service.create(A, erp);
      expect(await service.disconnect(A, li.id)).toMatchObject({ status: 'disconnected' });
      expect(revoke).toHaveBeenCalledWith(li.id, 'admin:keyA');
      await service.disconnect(A, e.id);
      expect(revoke).toHaveBeenCalledTimes(1);
      expect((await service.logs(A, e.id)).items.map((x) => x.type)).toEqual(['disconnected', 'created']);
      // Idempotent: no second event.
      await service.disconnect(A, e.id);
      expect((await service.logs(A, e.id)).items).toHaveLength(2);
    });

    it('remove deletes the connection, its credential row, events and health rows; the audit row stays', async () => {
      const view = await service.create(A, erp);
      await service.test(A, view.id);
      await service.remove(A, view.id);
      expect(await counts()).toEqual({ connection: 0, credential: 0, event: 0, health: 0, audit: 2 });
      expect(await db.prisma.auditEvent.findFirst({ where: { action: 'connection.deleted' } })).toMatchObject({ subject: view.id, actor: 'admin:keyA', tenantId: 'tenant-a' });
      expect((await failure(service.get(A, view.id))).code).toBe('CONNECTION_NOT_FOUND');
    });
  });

  describe('logs, health and list', () => {
    it('logs: newest first, limit and before page through; list filters by type and status', async () => {
      const view = await service.create(A, erp);
      for (let i = 0; i < 3; i++) await service.test(A, view.id);
      const page1 = await service.logs(A, view.id, { limit: '2' });
      expect(page1.items.map((e) => e.type)).toEqual(['tested', 'tested']);
      expect(page1.nextBefore).toEqual(page1.items[1]!.occurredAt);
      const rest = await service.logs(A, view.id, { limit: 10, before: page1.nextBefore!.toISOString() });
      expect(rest.items.map((e) => e.type)).toEqual(['tested', 'created']);
      expect(rest.nextBefore).toBeNull();
      const bad = await failure(service.logs(A, view.id, { limit: 0 }));
      expect([bad.status, bad.code]).toEqual([400, 'VALIDATION_FAILED']);

      await service.create(A, { type: 'mcp-http', name: 'tools', config: { url: 'https://mcp.example.com/mcp' } });
      expect((await service.list(A)).map((c) => c.type)).toEqual(['erpnext', 'mcp-http']);
      expect((await service.list(A, { type: 'mcp-http' })).map((c) => c.name)).toEqual(['tools']);
      expect(await service.list(A, { status: 'connected' })).toEqual([]);
      expect(await service.list(B)).toEqual([]);
      expect([(await failure(service.list(A, { status: 'happy' }))).code]).toEqual(['VALIDATION_FAILED']);
    });
  });

  it('another tenant’s connection is 404 CONNECTION_NOT_FOUND on every method, like a missing or malformed id, and is left alone', async () => {
    const view = await service.create(A, erp);
    const before = await counts();
    const calls: Array<[string, (actor: ActorContext, id: string) => Promise<unknown>]> = [
      ['get', (a, id) => service.get(a, id)],
      ['update', (a, id) => service.update(a, id, { name: 'stolen' })],
      ['remove', (a, id) => service.remove(a, id)],
      ['connect', (a, id) => service.connect(a, id)],
      ['disconnect', (a, id) => service.disconnect(a, id)],
      ['test', (a, id) => service.test(a, id)],
      ['rotateCredential', (a, id) => service.rotateCredential(a, id, { credential: { apiKey: 'k', apiSecret: `x-${MARKER}` } })],
      ['logs', (a, id) => service.logs(a, id)],
      ['health', (a, id) => service.health(a, id)],
    ];
    for (const [name, call] of calls) {
      for (const id of [view.id, '00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
        const error = await failure(call(B, id));
        expect({ name, status: error.status, code: error.code, message: error.message }).toEqual({ name, status: 404, code: 'CONNECTION_NOT_FOUND', message: `no connection "${id}"` });
      }
    }
    expect(await counts()).toEqual(before);
    expect(await service.get(A, view.id)).toMatchObject({ name: 'main site', status: 'configuring' });
    expect(revoke).not.toHaveBeenCalled();
  });

  function erpInput() {
    return { type: 'erpnext', name: 'bad', config: { baseUrl: 'https://erp.example.com' }, credential: { apiKey: 'k', apiSecret: `s-${MARKER}` } };
  }
});
