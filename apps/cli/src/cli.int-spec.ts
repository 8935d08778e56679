import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LINKEDIN_SANDBOX_CLIENT, LinkedInSandbox } from '@junction/connectors/linkedin';
import { ConnectionSecretStore, OAuthFlowService } from '@junction/integrations';
import {
  ApiKeyRepository,
  AuditEventRepository,
  ConnectionEventRepository,
  ConnectionRepository,
  CredentialRepository,
  OAuthStateRepository,
  OAuthTokenRepository,
} from '@junction/persistence';
import { CredentialService, CredentialVault, formatKeyEntry, parseKeyRing } from '@junction/security';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { ApiKeyService } from '@junction/webhooks';
import { writeInstanceFile } from '../../standalone/src/data-dir/instance-file';
import { readOrCreateKekFile } from '../../standalone/src/data-dir/kek-file';
import { runCli } from './cli';

const k1 = formatKeyEntry('k1', randomBytes(32));
const FIRST = 'shpss_first-secret-0000000001';
const SECOND = 'shpss_second-secret-000000002';

/**
 * The CLI's command functions against a real, migrated Postgres with the real runtime (repositories and services
 * built by hand, as `npm run junction` does): only the process around runCli is missing.
 */
describe('junction CLI (real Postgres)', () => {
  let db: TestDatabase;
  let printed = '';

  const junction = async (argv: string[], env: Record<string, string | undefined> = {}, stdin = '') => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, {
      env: { DATABASE_URL: db.url, JUNCTION_KEK: k1, ...env },
      io: { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), readStdin: async () => stdin },
    });
    printed += stdout + stderr;
    return { code, stdout, stderr, json: () => JSON.parse(stdout) as any };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    // Whatever a test printed, no secret was in it.
    for (const secret of [FIRST, SECOND]) expect(printed).not.toContain(secret);
    await db.drop();
  });

  it('endpoints add → list → rotate-secret → show (two secrets) → remove', async () => {
    const added = await junction(['endpoints', 'add', '--id', 'my-shop', '--provider', 'shopify', '--scheme', 'shopify', '--secret-env', 'SHOP_SECRET', '--example-route', 'shopify-orders-to-erp', '--json'], { SHOP_SECRET: FIRST });
    expect(added.code).toBe(0);
    expect(added.json()).toMatchObject({ id: 'my-shop', url: '/webhooks/shopify/my-shop', routes: [{ name: 'shopify-orders-to-erp' }], secrets: [{ active: true, expiresAt: null }] });

    const listed = await junction(['endpoints', 'list']);
    expect(listed.stdout).toMatch(/^my-shop\s+shopify\s+shopify\s+enabled\s+1\s+1\s+\/webhooks\/shopify\/my-shop$/m);

    const rotated = await junction(['endpoints', 'rotate-secret', 'my-shop', '--secret-stdin', '--expire-previous-after', '3600'], {}, `${SECOND}\n`);
    expect(rotated.code).toBe(0);

    const shown = (await junction(['endpoints', 'show', 'my-shop', '--json'])).json();
    expect(shown.secrets).toHaveLength(2);
    expect(shown.secrets.every((s: { active: boolean }) => s.active)).toBe(true);
    expect(shown.secrets.filter((s: { expiresAt: string | null }) => s.expiresAt !== null)).toHaveLength(1);
    // Stored sealed: the ring in JUNCTION_KEK opens them, and they are the secrets given.
    const vault = new CredentialService(new CredentialVault(parseKeyRing(k1)), new CredentialRepository(db.prisma));
    const rows = await db.prisma.credential.findMany({ where: { webhookSecrets: { some: { endpointId: 'my-shop' } } } });
    expect(rows.map((r) => vault.reveal(r)).sort()).toEqual([FIRST, SECOND].sort());
    expect((await db.prisma.auditEvent.findMany({ where: { subject: 'my-shop' } })).map((e) => e.actor)).toEqual(['cli', 'cli']);

    expect((await junction(['endpoints', 'disable', 'my-shop'])).stdout).toContain('status       disabled');
    expect((await junction(['endpoints', 'remove', 'my-shop'])).code).toBe(0);
    expect((await junction(['endpoints', 'show', 'my-shop'])).stderr).toBe('junction: ENDPOINT_NOT_FOUND: no webhook endpoint "my-shop"\n');
    expect((await junction(['endpoints', 'list', '--json'])).json()).toEqual([]);
  });

  it('a service validation error keeps its code and exit 1', async () => {
    const result = await junction(['endpoints', 'add', '--provider', 'Bad Provider', '--scheme', 'shopify', '--secret', FIRST]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^junction: VALIDATION_FAILED: provider: /);
  });

  it('api-keys create prints a key that ApiKeyService.authenticate accepts, for its scopes only; revoke ends it', async () => {
    const created = await junction(['api-keys', 'create', '--name', 'ops', '--scope', 'admin']);
    expect(created.code).toBe(0);
    const key = /jk_[A-Za-z0-9]{12}_[A-Za-z0-9_-]+/.exec(created.stdout)![0];
    const apiKeys = new ApiKeyService(db.prisma, new ApiKeyRepository(db.prisma), new AuditEventRepository(db.prisma));
    const id = (await apiKeys.authenticate(key, 'admin'))?.id;
    expect(id).toBe(key.slice(3, 15));
    expect(await apiKeys.authenticate(key, 'commands')).toBeNull();

    expect((await junction(['api-keys', 'list'])).stdout).not.toContain(key);
    expect((await junction(['api-keys', 'revoke', id!])).code).toBe(0);
    expect(await apiKeys.authenticate(key, 'admin')).toBeNull();
  });

  it('keys rewrap after adding a second KEK moves every credential to the new key id', async () => {
    for (const id of ['shop-a', 'shop-b', 'shop-c']) {
      expect((await junction(['endpoints', 'add', '--id', id, '--provider', 'shopify', '--scheme', 'shopify', '--secret', `${FIRST}-${id}`])).code).toBe(0);
    }
    const generated = (await junction(['keys', 'generate', '--json'])).json();
    expect(generated.id).toBe('k2');
    const ring = `${generated.entry},${k1}`;

    const first = (await junction(['keys', 'rewrap', '--json', '--batch-size', '2'], { JUNCTION_KEK: ring })).json();
    expect(first).toEqual({ activeKeyId: 'k2', rewrapped: 3, current: 0 });
    expect(await db.prisma.credential.groupBy({ by: ['keyId'], _count: true })).toEqual([{ keyId: 'k2', _count: 3 }]);
    expect((await junction(['keys', 'rewrap', '--json'], { JUNCTION_KEK: ring })).json()).toEqual({ activeKeyId: 'k2', rewrapped: 0, current: 3 });

    // The old key can leave the ring; a ring without any key in use is refused before anything is written.
    expect((await junction(['endpoints', 'show', 'shop-a'], { JUNCTION_KEK: generated.entry })).code).toBe(0);
    const stale = await junction(['endpoints', 'add', '--provider', 'x', '--scheme', 'shopify', '--secret', SECOND], { JUNCTION_KEK: k1 });
    expect(stale.code).toBe(78);
    expect(stale.stderr).toMatch(/^junction: KEK_MISMATCH: no stored secret is wrapped by a key in JUNCTION_KEK \(k1\)/);
    expect(await db.prisma.webhookEndpoint.count({ where: { provider: 'x' } })).toBe(0);
  });

  it('without DATABASE_URL and JUNCTION_KEK it uses the running standalone’s database and the data dir’s ring', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'junction-cli-data-'));
    const standaloneDb = await createTestDatabase();
    const fromDataDir = { DATABASE_URL: undefined, JUNCTION_KEK: undefined, JUNCTION_DATA_DIR: dataDir };
    try {
      await writeInstanceFile(dataDir, { databaseUrl: standaloneDb.url, pid: process.pid, startedAt: new Date().toISOString() });
      // Standalone writes <data dir>/kek whenever it has no JUNCTION_KEK: without the file, it was given one.
      const refused = await junction(['endpoints', 'list'], fromDataDir);
      expect(refused.code).toBe(78);
      expect(refused.stderr).toMatch(/^junction: KEK_REQUIRED: the running standalone Junction uses a key ring from JUNCTION_KEK/);
      expect(existsSync(join(dataDir, 'kek'))).toBe(false);

      await readOrCreateKekFile(dataDir);
      expect((await junction(['endpoints', 'add', '--id', 'local-shop', '--provider', 'shopify', '--scheme', 'shopify', '--secret', FIRST], fromDataDir)).code).toBe(0);
      expect((await junction(['endpoints', 'list'], fromDataDir)).stdout).toMatch(/^local-shop\s/m);
      expect(await standaloneDb.prisma.credential.findMany({ select: { keyId: true } })).toEqual([{ keyId: 'local-1' }]);
      expect(await db.prisma.webhookEndpoint.count({ where: { id: 'local-shop' } })).toBe(0);
    } finally {
      await standaloneDb.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('connections of oauth2: `test` refreshes an expired token once (rotating refresh tokens), `disconnect` revokes the tokens at the provider', async () => {
    const sandbox = new LinkedInSandbox({ rotateRefreshTokens: true });
    await sandbox.start();
    // A database of its own: the tests above re-wrap the shared one's secrets under another key.
    const own = await createTestDatabase();
    const cli = (argv: string[], env: Record<string, string> = {}) => junction(argv, { DATABASE_URL: own.url, ...env });
    try {
      const config = JSON.stringify({
        apiBaseUrl: sandbox.url,
        oauth: { authorizationEndpoint: `${sandbox.url}/oauth/v2/authorization`, tokenEndpoint: `${sandbox.url}/oauth/v2/accessToken`, revocationEndpoint: `${sandbox.url}/oauth/v2/revoke` },
      });
      const client = JSON.stringify({ clientId: LINKEDIN_SANDBOX_CLIENT.id, clientSecret: LINKEDIN_SANDBOX_CLIENT.secret });
      const added = await cli(['connections', 'add', '--type', 'linkedin', '--name', 'brand', '--auth', 'oauth2', '--config', config, '--credential-env', 'LI_CLIENT', '--json'], { LI_CLIENT: client });
      expect(added.code).toBe(0);
      const id = added.json().id as string;
      expect(added.stdout).not.toContain(LINKEDIN_SANDBOX_CLIENT.secret);

      // Authorized as an admin would in a browser: the flow's URL, the sandbox's consent redirect, the callback.
      const credentials = new CredentialService(new CredentialVault(parseKeyRing(k1)), new CredentialRepository(own.prisma));
      const secrets = new ConnectionSecretStore(credentials, new CredentialRepository(own.prisma));
      const flow = new OAuthFlowService(
        own.prisma,
        new ConnectionRepository(own.prisma),
        new ConnectionEventRepository(own.prisma),
        new OAuthStateRepository(own.prisma),
        new OAuthTokenRepository(own.prisma),
        new CredentialRepository(own.prisma),
        credentials,
        secrets,
      );
      const { authorizationUrl } = await flow.authorize({ tenantId: 'default', actor: 'test' }, id);
      const consent = await fetch(authorizationUrl, { redirect: 'manual' });
      const callback = new URL(consent.headers.get('location')!);
      await flow.callback(Object.fromEntries(callback.searchParams));
      const authorized = await own.prisma.oAuthToken.findUniqueOrThrow({ where: { connectionId: id } });

      await own.prisma.oAuthToken.update({ where: { connectionId: id }, data: { accessExpiresAt: new Date(Date.now() - 60_000) } });
      const tested = await cli(['connections', 'test', id, '--json']);
      expect(tested.code).toBe(0);
      expect(tested.json()).toMatchObject({ ok: true, errorClass: null });
      expect(sandbox.refreshGrants).toEqual({ served: 1, rejected: 0 });
      expect((await own.prisma.oAuthToken.findUniqueOrThrow({ where: { connectionId: id } })).version).toBe(authorized.version + 1);

      const revocations = () => sandbox.requests.filter((r) => r.path === '/oauth/v2/revoke').length;
      expect(revocations()).toBe(0);
      const disconnected = await cli(['connections', 'disconnect', id, '--json']);
      expect(disconnected.code).toBe(0);
      expect(disconnected.json()).toMatchObject({ status: 'disconnected' });
      expect(revocations()).toBeGreaterThanOrEqual(1);
      expect(await own.prisma.oAuthToken.count({ where: { connectionId: id } })).toBe(0);
      expect(printed).not.toContain(LINKEDIN_SANDBOX_CLIENT.secret);
    } finally {
      await sandbox.stop();
      await own.drop();
    }
  });

  it('refuses to create a ring of its own for a database that already holds secrets', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'junction-cli-data-'));
    const other = await createTestDatabase();
    try {
      expect((await junction(['endpoints', 'add', '--provider', 'p', '--scheme', 'shopify', '--secret', SECOND], { DATABASE_URL: other.url })).code).toBe(0);
      const refused = await junction(['endpoints', 'list'], { DATABASE_URL: other.url, JUNCTION_KEK: undefined, JUNCTION_DATA_DIR: dataDir });
      expect(refused.code).toBe(78);
      expect(refused.stderr).toMatch(/^junction: KEK_REQUIRED: this database uses a key ring from JUNCTION_KEK/);
      expect(existsSync(join(dataDir, 'kek'))).toBe(false);
    } finally {
      await other.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
