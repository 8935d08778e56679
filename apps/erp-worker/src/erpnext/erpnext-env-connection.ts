import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { type ConnectionEventRepository, type ConnectionRepository, type PrismaService, type Connection, type Tx } from '@junction/persistence';
import { type ConnectionSecretStore, type IntegrationCatalog, type ConnectionSecret } from '@junction/integrations';

/** The name of the connection ERPNEXT_* become (per TENANT_ID). Renaming it orphans existing rows: a migration. */
export const ERPNEXT_ENV_CONNECTION = 'erpnext-env';
const ACTOR = 'system';
type ApiKeySecret = Extract<ConnectionSecret, { authMethod: 'api_key' }>;

export interface ErpNextEnvCredentials {
  tenantId: string;
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
  timeoutMs: number;
}

export type EnvConnectionOutcome =
  | { action: 'created' | 'credential_rotated' | 'config_updated' | 'unchanged'; connectionId: string; isDefault: boolean }
  | { action: 'skipped'; reason: string };

/**
 * ERPNEXT_URL / _API_KEY / _API_SECRET as TENANT_ID's connection `erpnext-env`, upserted at every start so that a
 * deployment configured by env keeps working: created (connected, the default when the tenant has no default yet),
 * re-sealed when the env values change (credential_rotated), config updated when the URL or timeout changes,
 * untouched otherwise. Replicas starting together serialize on the tenant+type lock. A connection an operator
 * disconnected stays disconnected; one an operator made non-default stays so.
 */
/** Built by ErpNextModule's factory (its env argument is not a provider). */
export class ErpNextEnvConnection implements OnApplicationBootstrap {
  private readonly logger = new Logger(ErpNextEnvConnection.name);
  outcome?: EnvConnectionOutcome;

  constructor(
    private readonly env: ErpNextEnvCredentials | null,
    private readonly prisma: PrismaService,
    private readonly connections: ConnectionRepository,
    private readonly events: ConnectionEventRepository,
    private readonly secrets: ConnectionSecretStore,
    private readonly catalog: IntegrationCatalog,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.env) return;
    this.outcome = await this.ensure(this.env);
    if (this.outcome.action === 'skipped') this.logger.warn(`ERPNEXT_* not registered as a connection: ${this.outcome.reason}`);
    else this.logger.log(`ERPNEXT_* are connection ${ERPNEXT_ENV_CONNECTION} (${this.outcome.connectionId}) of tenant ${this.env.tenantId}: ${this.outcome.action}`);
  }

  async ensure(env: ErpNextEnvCredentials): Promise<EnvConnectionOutcome> {
    // This hook can run before the catalog's own start-up hook (module order): the erpnext type row must exist (FK).
    await this.catalog.ensureSynced();
    const secret: ApiKeySecret = { authMethod: 'api_key', apiKey: env.apiKey, apiSecret: env.apiSecret };
    const config = { baseUrl: env.baseUrl, timeoutMs: env.timeoutMs };
    return this.prisma.transaction(async (tx) => {
      await this.connections.lockTenantType(tx, env.tenantId, 'erpnext');
      const row = await this.connections.findByName(env.tenantId, ERPNEXT_ENV_CONNECTION, tx);
      if (!row) return this.create(tx, env, secret, config);
      if (row.typeSlug !== 'erpnext') return { action: 'skipped', reason: `tenant ${env.tenantId} has a ${row.typeSlug} connection named ${ERPNEXT_ENV_CONNECTION}` };
      return this.refresh(tx, row, secret, config);
    });
  }

  private async create(tx: Tx, env: ErpNextEnvCredentials, secret: ApiKeySecret, config: { baseUrl: string; timeoutMs: number }): Promise<EnvConnectionOutcome> {
    const isDefault = (await this.connections.findDefault(env.tenantId, 'erpnext', tx)) === null;
    const credentialId = await this.secrets.seal(tx, env.tenantId, secret);
    const inserted = await this.connections.insert(tx, { tenantId: env.tenantId, typeSlug: 'erpnext', name: ERPNEXT_ENV_CONNECTION, authMethod: 'api_key', config, isDefault, credentialId });
    await this.connections.update(tx, inserted.id, { status: 'connected', connectedAt: new Date(), credentialRotatedAt: new Date() });
    await this.events.record({ connectionId: inserted.id, tenantId: env.tenantId, type: 'created', actor: ACTOR, detail: { source: 'env', type: 'erpnext', authMethod: 'api_key', isDefault } }, tx);
    return { action: 'created', connectionId: inserted.id, isDefault };
  }

  private async refresh(tx: Tx, row: Connection, secret: ApiKeySecret, config: { baseUrl: string; timeoutMs: number }): Promise<EnvConnectionOutcome> {
    const current = row.config as Record<string, unknown>;
    const changedKeys = (['baseUrl', 'timeoutMs'] as const).filter((key) => current[key] !== config[key]);
    const configChanged = changedKeys.length > 0;
    const secretChanged = row.authMethod !== 'api_key' || !(await this.sameSecret(row.credentialId, secret));
    if (!configChanged && !secretChanged) return { action: 'unchanged', connectionId: row.id, isDefault: row.isDefault };

    const data: Parameters<ConnectionRepository['update']>[2] = {};
    if (configChanged) data.config = config;
    if (secretChanged) {
      data.authMethod = 'api_key';
      data.credentialId = await this.secrets.seal(tx, row.tenantId, secret);
      data.credentialRotatedAt = new Date();
      // A re-sealed env credential is what the operator deployed: the connection is usable again unless they disconnected it.
      if (row.status !== 'disconnected') Object.assign(data, { status: 'connected', lastError: null, connectedAt: row.connectedAt ?? new Date() });
    }
    await this.connections.update(tx, row.id, data);
    // The old sealed row goes: calls in flight already hold the opened secret (ConnectionResolver), new ones read the new id.
    if (secretChanged && row.credentialId) await this.connections.deleteCredentials(tx, [row.credentialId]);
    if (configChanged) await this.events.record({ connectionId: row.id, tenantId: row.tenantId, type: 'config_updated', actor: ACTOR, detail: { source: 'env', configKeys: changedKeys } }, tx);
    if (secretChanged) await this.events.record({ connectionId: row.id, tenantId: row.tenantId, type: 'credential_rotated', actor: ACTOR, detail: { source: 'env' } }, tx);
    if (row.status === 'disconnected') this.logger.warn(`connection ${ERPNEXT_ENV_CONNECTION} (${row.id}) is disconnected: updated from env but left disconnected`);
    return { action: secretChanged ? 'credential_rotated' : 'config_updated', connectionId: row.id, isDefault: row.isDefault };
  }

  /** Whether the stored secret equals the env's. A row that cannot be opened (gone, another key ring) counts as different. */
  private async sameSecret(credentialId: string | null, secret: ApiKeySecret): Promise<boolean> {
    if (!credentialId) return false;
    try {
      const stored = await this.secrets.open(credentialId);
      return stored?.authMethod === 'api_key' && stored.apiKey === secret.apiKey && stored.apiSecret === secret.apiSecret;
    } catch {
      return false;
    }
  }
}
