import { randomBytes } from 'node:crypto';
import type { TestingModule } from '@nestjs/testing';
import { createMessage, type AnyMessage } from '@junction/contracts';
import { LinkedInSandbox } from '@junction/connectors/linkedin';
import { ConnectionSecretStore, ConnectionService, IntegrationCatalog } from '@junction/integrations';
import { MessageDispatcher } from '@junction/messaging';
import { PrismaService } from '@junction/persistence';
import { formatKeyEntry } from '@junction/security';
import { builtEntry, createTestDatabase, deliveredMessage, outboxCausedBy, processAlive, RecordingMcpClients, waitUntil, type TestDatabase } from '@junction/testing';
import { VerifyOrganizationHandler } from '../organizations/usecases/verify-organization/verify-organization.handler';
import { PublishPostHandler } from '../posts/usecases/publish-post/publish-post.handler';
import { linkedinReplica } from './linkedin-test.fixtures';

/** The LinkedIn MCP server's compiled entry: what an operator lists in MCP_STDIO_COMMANDS is the node binary running it. */
const { entry: ENTRY, describeIfBuilt } = builtEntry('dist/libs/connectors/linkedin/src/mcp/linkedin-mcp.main.js', 'linkedin-worker MCP');
const QUIET = { log: () => undefined, warn: () => undefined, error: () => undefined };
const deliveryOf = (message: AnyMessage) => deliveredMessage(message, { topic: 'linkedin.commands', subscription: 'linkedin-worker' });

/**
 * The same commands on two tenants of one worker: one with a REST linkedin connection, one with `transport: mcp` whose
 * stdio server (the LinkedIn MCP entry, spawned by the worker) holds the connection's bearer token through
 * `config.mcp.secretEnv` and calls the same LinkedIn sandbox. Real Postgres, the worker's use cases and pipeline.
 */
describeIfBuilt('linkedin-worker: a transport mcp connection runs the same commands as REST (stdio LinkedIn MCP server)', () => {
  const sandbox = new LinkedInSandbox();
  const kek = formatKeyEntry('test', randomBytes(32));
  const mcp = new RecordingMcpClients();
  let db: TestDatabase;
  let replica: TestingModule;

  const connection = (tenantId: string, body: Record<string, unknown>) => replica.get(ConnectionService).create({ tenantId, actor: 'test' }, { type: 'linkedin', isDefault: true, ...body });

  beforeAll(async () => {
    db = await createTestDatabase();
    await sandbox.start();
    replica = await linkedinReplica({ databaseUrl: db.url, kek, mcp: { clients: mcp, stdioCommands: [process.execPath] }, timeoutMs: 10_000 });
    await replica.get(IntegrationCatalog).ensureSynced();
    const credential = { token: sandbox.issueTokens().access_token };
    await connection('tenant-rest', {
      name: 'linkedin-rest',
      authMethod: 'bearer',
      credential,
      config: { apiBaseUrl: sandbox.url, version: sandbox.latestVersion, organizationUrn: 'urn:li:organization:1001' },
    });
    await connection('tenant-mcp', {
      name: 'linkedin-mcp',
      authMethod: 'bearer',
      credential,
      config: {
        transport: 'mcp',
        organizationUrn: 'urn:li:organization:1001',
        mcp: {
          command: process.execPath,
          args: [ENTRY, 'stdio'],
          // Not secrets (config is shown): where the server's LinkedIn is. The token arrives through secretEnv.
          env: { LINKEDIN_API_URL: sandbox.url, LINKEDIN_VERSION: sandbox.latestVersion },
          secretEnv: { LINKEDIN_ACCESS_TOKEN: 'token' },
        },
      },
    });
    // Allowed when it was added; the operator has since taken the command off MCP_STDIO_COMMANDS (written directly:
    // the admin API would refuse it now).
    await replica.get(PrismaService).transaction(async (tx) => {
      const credentialId = await replica.get(ConnectionSecretStore).seal(tx, 'tenant-unlisted', { authMethod: 'bearer', ...credential });
      const config = { transport: 'mcp', organizationUrn: 'urn:li:organization:1001', mcp: { command: '/usr/local/bin/linkedin-mcp', secretEnv: { LINKEDIN_ACCESS_TOKEN: 'token' } } };
      await tx.connection.create({ data: { tenantId: 'tenant-unlisted', typeSlug: 'linkedin', name: 'linkedin-unlisted', authMethod: 'bearer', config, credentialId, isDefault: true } });
    });
  });
  afterAll(async () => {
    await replica?.close();
    await mcp.closeAll();
    await sandbox.stop();
    await db?.drop();
  });

  const events = async (id: string) => (await outboxCausedBy(db, id)).map((r) => r.body as { type: string; payload: Record<string, unknown> });
  const dispatcher = (handler: { execute(m: never): Promise<void> }) => new MessageDispatcher(() => (m: AnyMessage) => handler.execute(m as never), { maxDeliveryCount: 10, logger: QUIET });
  const session = () => {
    expect(mcp.built).toHaveLength(1);
    return mcp.built[0]!;
  };

  it('linkedin.post.publish: one post and the same event either way; a duplicate delivery publishes nothing more', async () => {
    const handler = replica.get(PublishPostHandler);
    const answers: Record<string, unknown>[] = [];
    for (const tenantId of ['tenant-rest', 'tenant-mcp']) {
      const c = createMessage('linkedin.post.publish', { commentary: `Launch day (${tenantId})`, visibility: 'PUBLIC' }, { tenantId });
      const delivery = deliveryOf(c);
      expect(await dispatcher(handler).dispatch(delivery)).toEqual({ action: 'complete' });
      expect(await dispatcher(handler).dispatch({ ...delivery, deliveryCount: 2 })).toEqual({ action: 'complete' });

      const posts = sandbox.posts().filter((p) => p.commentary === c.payload.commentary);
      expect(posts).toHaveLength(1);
      expect(posts[0]).toMatchObject({ author: 'urn:li:organization:1001', lifecycleState: 'PUBLISHED', visibility: 'PUBLIC' });
      const answered = await events(c.id);
      expect(answered).toHaveLength(1);
      expect(answered[0]).toMatchObject({ type: 'linkedin.post.published', payload: { commandId: c.id, postUrn: posts[0]!.id } });
      answers.push({ ...answered[0]!.payload, commandId: '<id>', postUrn: '<urn>' });
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[0]).toEqual({ commandId: '<id>', postUrn: '<urn>', author: 'urn:li:organization:1001', alreadyPublished: false });

    // The MCP tenant's post went through the worker's stdio server: one session, one post_company_update.
    const client = session();
    expect(client.pid).toEqual(expect.any(Number));
    expect(client.stats).toMatchObject({ sessionsOpened: 1, toolCalls: 1 });
  });

  it('linkedin.organization.verify answers the same verified event either way (verify_organization over MCP)', async () => {
    const handler = replica.get(VerifyOrganizationHandler);
    const answers: unknown[] = [];
    for (const tenantId of ['tenant-rest', 'tenant-mcp']) {
      const c = createMessage('linkedin.organization.verify', { organizationId: 1001 }, { tenantId });
      await handler.execute(c);
      const [answer] = await events(c.id);
      expect(answer).toMatchObject({ type: 'linkedin.organization.verified', payload: { verified: true } });
      answers.push({ ...answer!.payload, commandId: '<id>' });
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(session().stats.toolCalls).toBe(2);
  });

  it('what LinkedIn refuses settles the same way over MCP: a page the member may not post for is dead-lettered PROVIDER_FORBIDDEN', async () => {
    const settlements = [];
    for (const tenantId of ['tenant-rest', 'tenant-mcp']) {
      const c = createMessage('linkedin.post.publish', { commentary: `Not my page (${tenantId})`, visibility: 'PUBLIC', organizationId: 1002 }, { tenantId });
      settlements.push(await dispatcher(replica.get(PublishPostHandler)).dispatch(deliveryOf(c)));
    }
    expect(settlements).toEqual([
      expect.objectContaining({ action: 'dead-letter', reason: 'PROVIDER_FORBIDDEN', errorClass: 'forbidden' }),
      expect.objectContaining({ action: 'dead-letter', reason: 'PROVIDER_FORBIDDEN', errorClass: 'forbidden' }),
    ]);
    expect(sandbox.posts().filter((p) => p.commentary.startsWith('Not my page'))).toHaveLength(0);
  });

  it('a stdio command the operator has not listed (MCP_STDIO_COMMANDS) is dead-lettered MCP_COMMAND_NOT_ALLOWED; nothing is started', async () => {
    const c = createMessage('linkedin.post.publish', { commentary: 'Never', visibility: 'PUBLIC' }, { tenantId: 'tenant-unlisted' });
    expect(await dispatcher(replica.get(PublishPostHandler)).dispatch(deliveryOf(c))).toMatchObject({ action: 'dead-letter', reason: 'MCP_COMMAND_NOT_ALLOWED' });
    expect(mcp.built).toHaveLength(1);
  });

  it('an oauth2 connection cannot use transport mcp (the server holds the grant): dead-lettered as an auth problem, nothing started', async () => {
    await connection('tenant-oauth', {
      name: 'linkedin-oauth-mcp',
      authMethod: 'oauth2',
      credential: { clientId: 'client-id', clientSecret: 'client-secret' },
      config: { transport: 'mcp', organizationUrn: 'urn:li:organization:1001', mcp: { command: process.execPath, args: [ENTRY, 'stdio'] } },
    });
    const sessions = mcp.built.length;
    const c = createMessage('linkedin.post.publish', { commentary: 'Never either', visibility: 'PUBLIC' }, { tenantId: 'tenant-oauth' });
    const settlement = await dispatcher(replica.get(PublishPostHandler)).dispatch(deliveryOf(c));
    expect(settlement).toMatchObject({ action: 'dead-letter', reason: 'PROVIDER_AUTH', errorClass: 'auth' });
    expect((settlement as { description: string }).description).toMatch(/transport mcp: the LinkedIn MCP server holds the OAuth grant/);
    expect(mcp.built).toHaveLength(sessions);
  });

  it('closeAll (the worker’s shutdown) ends the stdio server', async () => {
    const pid = session().pid!;
    await mcp.closeAll();
    await waitUntil(() => !processAlive(pid), 5_000, `stdio server ${pid} gone`);
    expect(processAlive(pid)).toBe(false);
  });
});
