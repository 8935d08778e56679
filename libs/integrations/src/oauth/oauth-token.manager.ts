import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { createMessage } from '@junction/contracts';
import { MessagePublisher } from '@junction/messaging';
import { type Connection, ConnectionEventRepository, ConnectionRepository, OAuthTokenRepository, type OAuthTokenWithCredential, PrismaService } from '@junction/persistence';
import { IntegrationError } from '@junction/resilience';
import { CredentialService } from '@junction/security';
import { ConnectionSecretStore } from '../connections/connection-secret.store';
import { ConnectionError } from '../connections/connection.types';
import { oauthEndpoints, type OAuthEndpoints } from './oauth-endpoints';
import { OAuthClient, type OAuthClientCredentials, OAuthProviderError } from './oauth.client';
import { OAUTH_OPTIONS, type OAuthOptions, type OAuthSettings, oauthSettings } from './oauth.options';
import { openTokens, type SealedTokens, sealTokens, tokenFields } from './oauth-tokens';

/** Another refresher committed first: read its tokens instead. */
class Superseded extends Error {}

/**
 * A connection's access token, refreshed proactively and race-safely: one refresh per token version across all
 * replicas, and never a database transaction open during the provider call.
 *
 * The refresher takes a lease on the oauth_token row (a committed compare-and-set on `version`), calls the token
 * endpoint, then commits the new tokens with version + 1 in one short transaction. Everyone else keeps using a
 * token that is still valid, or polls the row until the version moves and takes the result. A lease whose holder
 * crashed lapses and is taken over. With refresh-token rotation the new refresh token is stored; a refresher that
 * gets invalid_grant first checks whether someone else already refreshed (its failure is then stale) before it
 * marks the connection reauth_required.
 */
@Injectable()
export class OAuthTokenManager {
  private readonly logger = new Logger(OAuthTokenManager.name);
  private readonly settings: OAuthSettings;
  private readonly client: OAuthClient;
  /** This replica (and instance) as a lease owner: host, pid, random. */
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

  constructor(
    private readonly prisma: PrismaService,
    private readonly tokens: OAuthTokenRepository,
    private readonly connections: ConnectionRepository,
    private readonly events: ConnectionEventRepository,
    private readonly credentials: CredentialService,
    private readonly secrets: ConnectionSecretStore,
    private readonly publisher: MessagePublisher,
    @Optional() @Inject(OAUTH_OPTIONS) options?: OAuthOptions,
  ) {
    this.settings = oauthSettings(options);
    this.client = new OAuthClient(this.settings.providerTimeoutMs);
  }

  /**
   * A valid access token; refreshes when it expires within the skew, or when `rejected` is the current token (the
   * provider answered 401 with it). Throws ConnectionError REAUTH_REQUIRED when the grant is dead (no provider call
   * once the connection is marked), IntegrationError (retryable) when the provider is unreachable or another
   * replica's refresh takes too long.
   */
  async accessToken(connectionId: string, options: { rejected?: string } = {}): Promise<string> {
    const deadline = Date.now() + this.settings.refreshWaitMs;
    for (;;) {
      const row = await this.tokens.find(connectionId);
      if (!row) throw await this.noTokens(connectionId);
      const sealed = openTokens(this.credentials, row.credential);
      const expired = row.accessExpiresAt !== null && row.accessExpiresAt.getTime() <= Date.now();
      const usable = !expired && sealed.accessToken !== options.rejected;
      const due = !usable || (row.accessExpiresAt !== null && row.accessExpiresAt.getTime() - Date.now() <= this.settings.refreshSkewMs);
      if (!due) return sealed.accessToken;

      const connection = await this.connections.findById(connectionId);
      if (!connection) throw notFound(connectionId);
      if (connection.status === 'reauth_required') throw reauthRequired(connection);
      if (!sealed.refreshToken) {
        // Nothing to refresh with (a provider that issues no refresh tokens): use it while it lasts, then re-consent.
        if (usable) return sealed.accessToken;
        if (await this.markReauth(connection, row.version, 'no_refresh_token')) throw reauthRequired(connection);
        continue;
      }

      if (await this.tokens.tryLease(connectionId, row.version, this.owner, this.settings.refreshLeaseMs)) {
        let refreshed: string | null;
        try {
          refreshed = await this.refresh(connection, row, sealed);
        } catch (error: unknown) {
          // A proactive refresh that could not reach the provider: the current token still works, try again later.
          if (usable && error instanceof IntegrationError && error.retryable) return sealed.accessToken;
          throw error;
        }
        if (refreshed !== null) return refreshed;
        continue;
      }
      // Someone else is refreshing (or just did). A token that still works is good enough meanwhile.
      if (usable) return sealed.accessToken;
      if (Date.now() >= deadline) {
        throw new IntegrationError('timeout', `the OAuth token of connection ${connectionId} is being refreshed by another replica, not finished within ${this.settings.refreshWaitMs} ms`, {
          provider: connection.typeSlug,
          operation: 'oauth.refresh',
        });
      }
      await sleep(this.settings.refreshPollMs * (0.5 + Math.random()));
    }
  }

  /**
   * Revokes the tokens at the provider (best effort: a failure is logged, without the token) and deletes them.
   * Records token_revoked. A connection without tokens is left alone.
   */
  async revoke(connectionId: string, actor: string): Promise<void> {
    const row = await this.tokens.find(connectionId);
    if (!row) return;
    const connection = await this.connections.findById(connectionId);
    if (!connection) return;
    const sealed = openTokens(this.credentials, row.credential);
    let revokedAtProvider = false;
    const oauth = await this.oauthOf(connection).catch(() => null);
    const revocationEndpoint = oauth?.endpoints.revocationEndpoint;
    if (oauth && revocationEndpoint) {
      const endpoints = { ...oauth.endpoints, revocationEndpoint };
      try {
        await this.client.revoke(endpoints, oauth.credentials, sealed.accessToken, 'access_token');
        if (sealed.refreshToken) await this.client.revoke(endpoints, oauth.credentials, sealed.refreshToken, 'refresh_token');
        revokedAtProvider = true;
      } catch (error: unknown) {
        const detail = error instanceof OAuthProviderError ? { providerCode: error.providerCode, status: error.status } : { error: (error as Error).name };
        this.logger.warn({ message: 'revoking OAuth tokens at the provider failed; deleting them anyway', connectionId, ...detail });
      }
    }
    await this.prisma.transaction(async (tx) => {
      if (!(await this.tokens.delete(tx, connectionId))) return;
      await this.events.record({ connectionId, tenantId: connection.tenantId, type: 'token_revoked', actor, detail: { revokedAtProvider } }, tx);
    });
  }

  /** Holding the lease for `row.version`: the new token, or null when another replica's tokens superseded ours. */
  private async refresh(connection: Connection, row: OAuthTokenWithCredential, sealed: SealedTokens): Promise<string | null> {
    let oauth: { endpoints: OAuthEndpoints; credentials: OAuthClientCredentials };
    let tokens;
    const started = Date.now();
    try {
      oauth = await this.oauthOf(connection);
      tokens = await this.client.refresh(oauth.endpoints, oauth.credentials, sealed.refreshToken!);
    } catch (error: unknown) {
      if (error instanceof OAuthProviderError && error.kind === 'rejected') {
        this.logger.warn({ message: 'OAuth refresh rejected', connectionId: connection.id, providerCode: error.providerCode, status: error.status });
        if (!(await this.markReauth(connection, row.version, error.providerCode))) return null;
        throw reauthRequired(connection);
      }
      await this.tokens.releaseLease(connection.id, this.owner);
      if (error instanceof OAuthProviderError) {
        throw new IntegrationError(error.providerCode === 'timeout' ? 'timeout' : error.status && error.status >= 500 ? 'server' : error.status === 429 ? 'rate_limit' : 'network', error.message, {
          provider: connection.typeSlug,
          operation: 'oauth.refresh',
          status: error.status,
        });
      }
      throw error;
    }

    const now = new Date();
    try {
      await this.prisma.transaction(async (tx) => {
        const credentialId = await sealTokens(this.credentials, tx, connection.tenantId, tokens, { refreshToken: sealed.refreshToken, refreshExpiresAt: row.refreshExpiresAt }, now);
        if (!(await this.tokens.commitRefresh(tx, connection.id, row.version, { credentialId, ...tokenFields(tokens, row.refreshExpiresAt, now) }))) throw new Superseded();
        const rotated = tokens.refreshToken !== undefined && tokens.refreshToken !== sealed.refreshToken;
        await this.events.record({ connectionId: connection.id, tenantId: connection.tenantId, type: 'token_refreshed', actor: 'oauth', detail: { version: row.version + 1, rotated } }, tx);
      });
    } catch (error: unknown) {
      if (error instanceof Superseded) return null;
      throw error;
    }
    this.logger.log({ message: 'OAuth token refreshed', connectionId: connection.id, version: row.version + 1, latencyMs: Date.now() - started });
    return tokens.accessToken;
  }

  /**
   * Marks the connection reauth_required with its event and an ops.alerts message, in one transaction, if the
   * tokens are still at `version`. False when they moved on (another replica refreshed: nothing is wrong).
   */
  private async markReauth(connection: Connection, version: number, reason: string): Promise<boolean> {
    const message = `the OAuth grant of connection ${connection.id} is no longer valid (${reason}): authorize it again (GET /oauth/${connection.id}/authorize)`;
    const marked = await this.prisma.transaction(async (tx) => {
      if (!(await this.tokens.lockAtVersion(tx, connection.id, version))) return false;
      await this.connections.setStatus(tx, connection.id, 'reauth_required', { code: 'REAUTH_REQUIRED', message });
      await this.events.record({ connectionId: connection.id, tenantId: connection.tenantId, type: 'reauth_required', actor: 'oauth', detail: { reason } }, tx);
      const alert = createMessage(
        'integration.connection.reauth-required',
        { connectionId: connection.id, typeSlug: connection.typeSlug, name: connection.name, reason, occurredAt: new Date().toISOString() },
        { tenantId: connection.tenantId },
      );
      await this.publisher.enqueue(tx, [alert]);
      return true;
    });
    if (marked) this.logger.warn({ message: 'OAuth connection needs re-authorization', connectionId: connection.id, tenantId: connection.tenantId, reason });
    return marked;
  }

  private async noTokens(connectionId: string): Promise<ConnectionError> {
    const connection = await this.connections.findById(connectionId);
    if (!connection) return notFound(connectionId);
    if (connection.status === 'reauth_required') return reauthRequired(connection);
    return new ConnectionError('OAUTH_AUTHORIZATION_REQUIRED', 409, `connection ${connectionId} has no OAuth tokens: authorize it (GET /oauth/${connectionId}/authorize)`);
  }

  private async oauthOf(connection: Connection): Promise<{ endpoints: OAuthEndpoints; credentials: OAuthClientCredentials }> {
    const endpoints = oauthEndpoints(connection.typeSlug, connection.config);
    if (!endpoints) throw new ConnectionError('OAUTH_NOT_SUPPORTED', 400, `integration type ${connection.typeSlug} has no OAuth token endpoint`);
    const secret = connection.credentialId ? await this.secrets.open(connection.credentialId) : null;
    if (secret?.authMethod !== 'oauth2') throw new ConnectionError('INVALID_CREDENTIAL', 400, `connection ${connection.id} has no OAuth client credentials`);
    return { endpoints, credentials: { clientId: secret.clientId, clientSecret: secret.clientSecret } };
  }
}

function notFound(connectionId: string): ConnectionError {
  return new ConnectionError('CONNECTION_NOT_FOUND', 404, `connection ${connectionId} not found`);
}

function reauthRequired(connection: Connection): ConnectionError {
  return new ConnectionError('REAUTH_REQUIRED', 409, `connection ${connection.id} (${connection.name}) needs to be authorized again: GET /oauth/${connection.id}/authorize`);
}
