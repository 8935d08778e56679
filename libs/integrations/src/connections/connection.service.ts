import { Injectable, Logger, Optional } from '@nestjs/common';
import { type ActorContext } from '@junction/contracts';
import {
  AuditEventRepository,
  type Connection,
  ConnectionEventRepository,
  ConnectionHealthRepository,
  ConnectionRepository,
  type NewAuditEvent,
  type Prisma,
  PrismaService,
  type Tx,
} from '@junction/persistence';
import { IntegrationCatalog, type IntegrationTypeView } from '../catalog/integration-catalog';
import { OAuthTokenManager } from '../oauth/oauth-token.manager';
import { ConnectionTester } from '../probes/connection.tester';
import { ConnectionResolver } from '../resolve/connection.resolver';
import { ConnectionProbe } from './connection-probe';
import { ConnectionSecretStore } from './connection-secret.store';
import { connectionCreateSchema, connectionListQuerySchema, connectionUpdateSchema, credentialRotateSchema, healthQuerySchema, logsQuerySchema, parseInput } from './connection.schemas';
import { type AuthMethod, AuthMethods, ConnectionError, type ConnectionEventType, type ConnectionSecret, type ConnectionStatus, type ConnectionTestResult } from './connection.types';
import { type ConnectionHealthOverview, type ConnectionHealthView, type ConnectionLogsView, type ConnectionView, toConnectionView, toHealthStatusView, toHealthView, toLogsView } from './connection.view';

export interface ConnectResult {
  connection: ConnectionView;
  test: ConnectionTestResult;
}

/**
 * Managing a tenant's connections (admin API and CLI). Every method is scoped to the caller's tenant: another
 * tenant's connection is the same 404 CONNECTION_NOT_FOUND as a missing one. Each change commits with its
 * connection_event row (and an audit_event row for management changes) in one transaction; bad input is refused
 * before anything is written. Credentials go in sealed and never come back out: not in views, events, errors or logs.
 * Connection tests call the provider outside any transaction and record the outcome afterwards.
 */
@Injectable()
export class ConnectionService {
  private readonly logger = new Logger(ConnectionService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly connections: ConnectionRepository,
    private readonly events: ConnectionEventRepository,
    private readonly healthRows: ConnectionHealthRepository,
    private readonly audit: AuditEventRepository,
    private readonly catalog: IntegrationCatalog,
    private readonly secrets: ConnectionSecretStore,
    // Optional so that management works in a process without probes or OAuth (connect/test then say so).
    @Optional() private readonly resolver?: ConnectionResolver,
    @Optional() private readonly tester?: ConnectionTester,
    @Optional() private readonly oauthTokens?: OAuthTokenManager,
  ) {}

  async create(actor: ActorContext, body: unknown): Promise<ConnectionView> {
    const input = parseInput(connectionCreateSchema, body);
    const type = await this.catalog.usable(input.type);
    const authMethod = checkAuthMethod(type, input.authMethod);
    const config = this.catalog.validateConfig(type, input.config);
    const secret = this.parseCredential(authMethod, input.credential);
    return this.nameGuard(input.name, () =>
      this.prisma.transaction(async (tx) => {
        await this.connections.lockTenantType(tx, actor.tenantId, type.slug);
        if (await this.connections.nameTaken(tx, actor.tenantId, input.name)) throw nameTaken(input.name);
        const first = (await this.connections.countOfType(tx, actor.tenantId, type.slug)) === 0;
        const isDefault = input.isDefault ?? first;
        if (isDefault) await this.connections.clearDefault(tx, actor.tenantId, type.slug);
        const credentialId = secret ? await this.secrets.seal(tx, actor.tenantId, secret, input.credentialExpiresAt ?? null) : null;
        const row = await this.connections.insert(tx, { tenantId: actor.tenantId, typeSlug: type.slug, name: input.name, authMethod, config: config as Prisma.InputJsonObject, isDefault, credentialId });
        await this.event(tx, actor, row, 'created', { type: type.slug, authMethod, isDefault, hasCredential: credentialId !== null });
        await this.record(tx, actor, 'connection.created', row.id, { type: type.slug, name: input.name, authMethod });
        return this.view(tx, actor, row.id);
      }),
    );
  }

  async list(actor: ActorContext, query: unknown = {}): Promise<ConnectionView[]> {
    const filter = parseInput(connectionListQuerySchema, query);
    return (await this.connections.listForTenant(actor.tenantId, { typeSlug: filter.type, status: filter.status })).map(toConnectionView);
  }

  async get(actor: ActorContext, id: string): Promise<ConnectionView> {
    const row = await this.connections.findViewInTenant(actor.tenantId, id);
    if (!row) throw notFound(id);
    return toConnectionView(row);
  }

  async update(actor: ActorContext, id: string, body: unknown): Promise<ConnectionView> {
    const patch = parseInput(connectionUpdateSchema, body);
    const current = await this.load(actor, id);
    const config = patch.config === undefined ? undefined : this.catalog.validateConfig(await this.catalog.get(current.typeSlug), patch.config);
    return this.nameGuard(patch.name ?? current.name, () =>
      this.prisma.transaction(async (tx) => {
        await this.connections.lockTenantType(tx, actor.tenantId, current.typeSlug);
        const row = await this.lock(tx, actor, id);
        if (patch.name !== undefined && (await this.connections.nameTaken(tx, actor.tenantId, patch.name, id))) throw nameTaken(patch.name);
        if (patch.isDefault === true) await this.connections.clearDefault(tx, actor.tenantId, row.typeSlug, id);
        await this.connections.update(tx, id, { name: patch.name, config: config as Prisma.InputJsonObject | undefined, isDefault: patch.isDefault });
        const fields = Object.keys(patch).sort();
        const configKeys = config ? changedKeys(row.config as Record<string, unknown>, config) : [];
        await this.event(tx, actor, row, 'config_updated', { fields, ...(config ? { configKeys } : {}) });
        await this.record(tx, actor, 'connection.updated', id, { fields });
        return this.view(tx, actor, id);
      }),
    );
  }

  async remove(actor: ActorContext, id: string): Promise<void> {
    const current = await this.load(actor, id);
    // Best effort at the provider, before the tokens' rows go: a failure is logged, the connection is removed anyway.
    if (current.authMethod === 'oauth2') await this.revokeTokens(current, actor, { strict: false });
    await this.prisma.transaction(async (tx) => {
      const row = await this.lock(tx, actor, id);
      await this.connections.deleteWithSecrets(tx, id);
      // connection_event rows go with the connection (cascade): the audit row is what stays.
      await this.record(tx, actor, 'connection.deleted', id, { type: row.typeSlug, name: row.name, authMethod: row.authMethod });
    });
  }

  /**
   * Tests the connection and marks it connected (or error). An OAuth 2.0 connection is connected by authorizing it
   * in a browser: until it holds tokens this answers 409 with the URL to open.
   */
  async connect(actor: ActorContext, id: string): Promise<ConnectResult> {
    const row = await this.load(actor, id);
    if (row.authMethod === 'oauth2' && !(await this.connections.hasOAuthToken(id))) {
      throw new ConnectionError('OAUTH_AUTHORIZATION_REQUIRED', 409, `connection ${id} uses OAuth 2.0: open GET /oauth/${id}/authorize in a browser to connect it`);
    }
    const test = await this.runTest(row);
    await this.prisma.transaction(async (tx) => {
      const locked = await this.lock(tx, actor, id);
      const now = new Date();
      await this.recordTest(tx, actor, locked, test, now);
      if (test.ok) {
        await this.connections.setStatus(tx, id, 'connected', null, { connectedAt: now, lastTestedAt: now });
        await this.event(tx, actor, locked, 'connected', { latencyMs: test.latencyMs });
        await this.record(tx, actor, 'connection.connected', id, { type: locked.typeSlug });
      } else {
        await this.connections.setStatus(tx, id, 'error', testError(test), { lastTestedAt: now });
      }
    });
    return { connection: await this.get(actor, id), test };
  }

  /** Stops workers from using the connection (CONNECTION_DISCONNECTED); OAuth tokens are revoked and deleted. */
  async disconnect(actor: ActorContext, id: string): Promise<ConnectionView> {
    const row = await this.prisma.transaction(async (tx) => {
      const locked = await this.lock(tx, actor, id);
      if (locked.status !== 'disconnected') {
        await this.connections.setStatus(tx, id, 'disconnected', null);
        await this.event(tx, actor, locked, 'disconnected', { previousStatus: locked.status });
        await this.record(tx, actor, 'connection.disconnected', id, { type: locked.typeSlug });
      }
      return locked;
    });
    if (row.authMethod === 'oauth2') await this.revokeTokens(row, actor, { strict: true });
    return this.get(actor, id);
  }

  /**
   * Runs the type's connection test. Each test records a connection_health row and a `tested` event (and `error`
   * when it fails); a connected connection that fails goes to error, an errored one that passes back to connected.
   */
  async test(actor: ActorContext, id: string): Promise<ConnectionTestResult> {
    const row = await this.load(actor, id);
    const test = await this.runTest(row);
    await this.prisma.transaction(async (tx) => {
      const locked = await this.lock(tx, actor, id);
      const now = new Date();
      await this.recordTest(tx, actor, locked, test, now);
      const status = locked.status === 'connected' || locked.status === 'error' ? (test.ok ? 'connected' : 'error') : locked.status;
      await this.connections.setStatus(tx, id, status, test.ok ? null : testError(test), { lastTestedAt: now });
    });
    return test;
  }

  /**
   * Replaces the credential without downtime: the new row is sealed, the connection points at it and the old row is
   * deleted in one transaction. A call that already opened the old secret finishes with it; the next resolve opens
   * the new one.
   */
  async rotateCredential(actor: ActorContext, id: string, body: unknown): Promise<ConnectionView> {
    const input = parseInput(credentialRotateSchema, body);
    const current = await this.load(actor, id);
    if (current.authMethod === 'none') throw new ConnectionError('INVALID_CREDENTIAL', 400, 'credential: auth method none takes no credential');
    const secret = this.secrets.parse(current.authMethod as AuthMethod, input.credential);
    return this.prisma.transaction(async (tx) => {
      const row = await this.lock(tx, actor, id);
      // Checked again under the lock: the auth method cannot change, but be explicit about what the secret was parsed for.
      if (row.authMethod !== secret.authMethod) throw new ConnectionError('INVALID_CREDENTIAL', 400, `credential: the connection's auth method is ${row.authMethod}`);
      const credentialId = await this.secrets.seal(tx, actor.tenantId, secret, input.expiresAt ?? null);
      const now = new Date();
      await this.connections.update(tx, id, { credentialId, credentialRotatedAt: now });
      if (row.credentialId) await this.connections.deleteCredentials(tx, [row.credentialId]);
      await this.event(tx, actor, row, 'credential_rotated', { expiresAt: input.expiresAt?.toISOString() ?? null, hadCredential: row.credentialId !== null });
      await this.record(tx, actor, 'connection.credential_rotated', id, { type: row.typeSlug });
      return this.view(tx, actor, id);
    });
  }

  async logs(actor: ActorContext, id: string, query: unknown = {}): Promise<ConnectionLogsView> {
    const options = parseInput(logsQuerySchema, query);
    await this.load(actor, id);
    return toLogsView(await this.events.list(actor.tenantId, id, options), options.limit);
  }

  async health(actor: ActorContext, id: string, query: unknown = {}): Promise<ConnectionHealthView> {
    const options = parseInput(healthQuerySchema, query);
    const row = await this.load(actor, id);
    const lastChange = await this.events.latestOfType(actor.tenantId, id, 'health_changed');
    return toHealthView(await this.healthRows.list(actor.tenantId, id, { limit: options.limit }), toHealthStatusView(row, lastChange));
  }

  /** Every connection of the tenant with its health status and reasons (`junction connections health`). */
  async healthOverview(actor: ActorContext): Promise<ConnectionHealthOverview[]> {
    const rows = await this.connections.listForTenant(actor.tenantId);
    const changes = new Map((await this.events.latestOfTypePerConnection(actor.tenantId, 'health_changed')).map((e) => [e.connectionId, e]));
    return rows.map((r) => ({ id: r.id, name: r.name, type: r.typeSlug, status: r.status as ConnectionStatus, lastTestedAt: r.lastTestedAt, health: toHealthStatusView(r, changes.get(r.id) ?? null) }));
  }

  /** The probe, outside any transaction. Opening the connection can fail for reasons an operator must see as a result. */
  private async runTest(row: Connection): Promise<ConnectionTestResult> {
    if (!this.resolver || !this.tester) throw new Error('connection tests are not available in this process (ConnectionResolver/ConnectionTester not provided)');
    return new ConnectionProbe(this.resolver, this.tester).test(row);
  }

  private async recordTest(tx: Tx, actor: ActorContext, row: Connection, test: ConnectionTestResult, now: Date): Promise<void> {
    await this.healthRows.record({ connectionId: row.id, tenantId: row.tenantId, ok: test.ok, latencyMs: test.latencyMs, errorClass: test.errorClass, message: test.message, capabilities: test.capabilities, checkedAt: now }, tx);
    const detail = { ok: test.ok, latencyMs: test.latencyMs, errorClass: test.errorClass, message: test.message };
    await this.event(tx, actor, row, 'tested', detail);
    if (!test.ok) await this.event(tx, actor, row, 'error', detail);
  }

  private async revokeTokens(row: Connection, actor: ActorContext, options: { strict: boolean }): Promise<void> {
    if (!this.oauthTokens) {
      this.logger.warn({ connectionId: row.id }, 'OAuthTokenManager not provided: OAuth tokens were not revoked');
      return;
    }
    try {
      await this.oauthTokens.revoke(row.id, actor.actor);
    } catch (error: unknown) {
      if (options.strict) throw error;
      this.logger.warn({ connectionId: row.id, error: (error as Error).name }, 'revoking the OAuth tokens failed; removing the connection anyway');
    }
  }

  private parseCredential(authMethod: AuthMethod, credential: unknown): ConnectionSecret | null {
    if (credential === undefined) return null;
    const secret = this.secrets.parse(authMethod, credential);
    return secret.authMethod === 'none' ? null : secret;
  }

  /** Another request may take the name between the check and the insert: the unique index answers, as the same 409. */
  private async nameGuard<T>(name: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error: unknown) {
      if ((error as { code?: unknown }).code === 'P2002' && String((error as Error).message).includes('name')) throw nameTaken(name);
      throw error;
    }
  }

  private async load(actor: ActorContext, id: string): Promise<Connection> {
    const row = await this.connections.findInTenant(actor.tenantId, id);
    if (!row) throw notFound(id);
    return row;
  }

  private async lock(tx: Tx, actor: ActorContext, id: string): Promise<Connection> {
    const row = await this.connections.lockInTenant(tx, actor.tenantId, id);
    if (!row) throw notFound(id);
    return row;
  }

  private async view(tx: Tx, actor: ActorContext, id: string): Promise<ConnectionView> {
    const row = await this.connections.findViewInTenant(actor.tenantId, id, tx);
    if (!row) throw notFound(id);
    return toConnectionView(row);
  }

  private event(tx: Tx, actor: ActorContext, row: Connection, type: ConnectionEventType, detail: Prisma.InputJsonObject): Promise<void> {
    return this.events.record({ connectionId: row.id, tenantId: row.tenantId, type, actor: actor.actor, detail }, tx);
  }

  private record(tx: Tx, actor: ActorContext, action: string, subject: string, detail: NewAuditEvent['detail']): Promise<void> {
    return this.audit.insertMany([{ action, actor: actor.actor, tenantId: actor.tenantId, subject, outcome: 'ok', detail }], tx);
  }
}

function checkAuthMethod(type: IntegrationTypeView, requested: string | undefined): AuthMethod {
  if (requested === undefined) return type.authMethods[0]!;
  if (!(AuthMethods as readonly string[]).includes(requested)) {
    throw new ConnectionError('UNKNOWN_AUTH_METHOD', 400, `authMethod: "${requested}" is not an auth method (${AuthMethods.join(', ')})`);
  }
  if (!type.authMethods.includes(requested as AuthMethod)) {
    throw new ConnectionError('AUTH_METHOD_NOT_SUPPORTED', 400, `authMethod: ${type.slug} does not support ${requested} (it takes ${type.authMethods.join(', ')})`);
  }
  return requested as AuthMethod;
}

function testError(test: ConnectionTestResult): { code: string; message: string } {
  return { code: test.errorClass ?? 'unknown', message: test.message };
}

/** Which top-level config keys changed (names only: config is not secret, but events stay small). */
function changedKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
}

function notFound(id: string): ConnectionError {
  return new ConnectionError('CONNECTION_NOT_FOUND', 404, `no connection "${id}"`);
}

function nameTaken(name: string): ConnectionError {
  return new ConnectionError('CONNECTION_NAME_TAKEN', 409, `name: a connection named "${name}" already exists`);
}
