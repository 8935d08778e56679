import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { ActorContext } from '@junction/contracts';
import { type Connection, ConnectionEventRepository, ConnectionRepository, CredentialRepository, OAuthStateRepository, OAuthTokenRepository, PrismaService } from '@junction/persistence';
import { CredentialService } from '@junction/security';
import { ConnectionSecretStore } from '../connections/connection-secret.store';
import { ConnectionError } from '../connections/connection.types';
import { oauthEndpoints, type OAuthEndpoints } from './oauth-endpoints';
import { OAuthClient, type OAuthClientCredentials, OAuthProviderError } from './oauth.client';
import { OAUTH_OPTIONS, type OAuthOptions, type OAuthSettings, oauthSettings } from './oauth.options';
import { OAUTH_PKCE_PURPOSE, sealTokens, tokenFields } from './oauth-tokens';

/**
 * The authorization-code flow with PKCE and state, per connection. `authorize` stores a pending authorization (the
 * state, the PKCE verifier sealed in the vault, 10 minutes, single use) and returns the provider URL; `callback`
 * consumes the state, exchanges the code (no transaction open during the provider call), then stores the sealed
 * tokens and marks the connection connected in one short transaction.
 */
@Injectable()
export class OAuthFlowService {
  private readonly logger = new Logger(OAuthFlowService.name);
  private readonly settings: OAuthSettings;
  private readonly client: OAuthClient;

  constructor(
    private readonly prisma: PrismaService,
    private readonly connections: ConnectionRepository,
    private readonly events: ConnectionEventRepository,
    private readonly states: OAuthStateRepository,
    private readonly tokens: OAuthTokenRepository,
    private readonly credentialRows: CredentialRepository,
    private readonly credentials: CredentialService,
    private readonly secrets: ConnectionSecretStore,
    @Optional() @Inject(OAUTH_OPTIONS) options?: OAuthOptions,
  ) {
    this.settings = oauthSettings(options);
    this.client = new OAuthClient(this.settings.providerTimeoutMs);
  }

  get redirectUri(): string {
    return `${this.settings.publicBaseUrl}/oauth/callback`;
  }

  async authorize(actor: ActorContext, connectionId: string, options: { returnTo?: string } = {}): Promise<{ authorizationUrl: string }> {
    const connection = await this.connections.findInTenant(actor.tenantId, connectionId);
    if (!connection) throw new ConnectionError('CONNECTION_NOT_FOUND', 404, `connection ${connectionId} not found`);
    const returnTo = options.returnTo === undefined || options.returnTo === '' ? null : checkReturnTo(options.returnTo);
    const { endpoints, credentials } = await this.oauthOf(connection);
    const pending = await this.client.authorization(endpoints, credentials.clientId, this.redirectUri);
    const expiresAt = new Date(Date.now() + this.settings.stateTtlMs);
    await this.prisma.transaction(async (tx) => {
      await this.states.purge(new Date(), tx);
      const credentialId = await this.credentials.store(tx, { tenantId: connection.tenantId, purpose: OAUTH_PKCE_PURPOSE, plaintext: pending.codeVerifier, expiresAt });
      await this.states.insert(tx, { state: pending.state, connectionId: connection.id, tenantId: connection.tenantId, credentialId, redirectUri: this.redirectUri, returnTo, expiresAt });
    });
    this.logger.log({ message: 'OAuth authorization started', connectionId: connection.id, tenantId: connection.tenantId, actor: actor.actor });
    return { authorizationUrl: pending.authorizationUrl };
  }

  /** The provider's redirect (`code` and `state`, or `error`). Every failure is a ConnectionError with a stable code. */
  async callback(query: Record<string, string | undefined>): Promise<{ connectionId: string; returnTo: string | null }> {
    const stateValue = typeof query.state === 'string' ? query.state : '';
    // Unknown, expired and used states are one answer: a caller learns nothing about which states exist.
    const pending = /^[\w-]{16,128}$/.test(stateValue) ? await this.states.consume(stateValue) : null;
    if (!pending) throw new ConnectionError('OAUTH_STATE_INVALID', 400, 'the OAuth state is unknown, expired or already used: start again from GET /oauth/:connectionId/authorize');
    const connection = await this.connections.findById(pending.connectionId);
    if (!connection || connection.tenantId !== pending.tenantId) throw new ConnectionError('OAUTH_STATE_INVALID', 400, 'the connection of this OAuth state no longer exists');

    const verifierRow = await this.credentialRows.findById(pending.credentialId);
    if (!verifierRow) throw new ConnectionError('OAUTH_STATE_INVALID', 400, 'the OAuth state is unknown, expired or already used');
    const codeVerifier = this.credentials.reveal(verifierRow);
    const { endpoints, credentials } = await this.oauthOf(connection);

    const callback = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (typeof value === 'string') callback.set(key, value);
    let tokens;
    try {
      tokens = await this.client.exchangeCode(endpoints, credentials, callback, { state: stateValue, redirectUri: pending.redirectUri, codeVerifier });
    } catch (error: unknown) {
      if (!(error instanceof OAuthProviderError)) throw error;
      const atRedirect = typeof query.error === 'string' || typeof query.code !== 'string';
      await this.events.record({ connectionId: connection.id, tenantId: connection.tenantId, type: 'error', actor: 'oauth', detail: { stage: atRedirect ? 'authorization' : 'token_exchange', code: error.providerCode, status: error.status ?? null } });
      this.logger.warn({ message: 'OAuth authorization failed', connectionId: connection.id, providerCode: error.providerCode, status: error.status });
      if (atRedirect) throw new ConnectionError('OAUTH_AUTHORIZATION_FAILED', 400, `the provider did not authorize the connection: ${error.providerCode}`);
      throw new ConnectionError('OAUTH_EXCHANGE_FAILED', 502, `the provider refused the authorization code: ${error.providerCode}`);
    }

    const now = new Date();
    await this.prisma.transaction(async (tx) => {
      const credentialId = await sealTokens(this.credentials, tx, connection.tenantId, tokens, undefined, now);
      await this.tokens.upsert(tx, connection.id, { credentialId, ...tokenFields(tokens, null, now) });
      // The verifier has served; its state row goes with it (cascade). A replayed state is unknown from now on.
      await tx.credential.delete({ where: { id: pending.credentialId } });
      await this.connections.setStatus(tx, connection.id, 'connected', null, { connectedAt: now });
      await this.events.record({ connectionId: connection.id, tenantId: connection.tenantId, type: 'connected', actor: 'oauth', detail: { scope: tokens.scope ?? null, refreshToken: tokens.refreshToken !== undefined } }, tx);
    });
    this.logger.log({ message: 'OAuth connection authorized', connectionId: connection.id, tenantId: connection.tenantId });
    return { connectionId: connection.id, returnTo: pending.returnTo };
  }

  private async oauthOf(connection: Connection): Promise<{ endpoints: OAuthEndpoints; credentials: OAuthClientCredentials }> {
    if (connection.authMethod !== 'oauth2') throw new ConnectionError('OAUTH_NOT_SUPPORTED', 400, `connection ${connection.id} uses auth method ${connection.authMethod}, not oauth2`);
    const endpoints = oauthEndpoints(connection.typeSlug, connection.config);
    if (!endpoints) throw new ConnectionError('OAUTH_NOT_SUPPORTED', 400, `integration type ${connection.typeSlug} has no OAuth endpoints: set config.oauth.authorizationEndpoint and config.oauth.tokenEndpoint`);
    const secret = connection.credentialId ? await this.secrets.open(connection.credentialId) : null;
    if (secret?.authMethod !== 'oauth2') throw new ConnectionError('INVALID_CREDENTIAL', 400, `connection ${connection.id} has no OAuth client credentials (credential.clientId, credential.clientSecret)`);
    return { endpoints, credentials: { clientId: secret.clientId, clientSecret: secret.clientSecret } };
  }
}

/** Where the browser goes after the callback: a path on this host or an http(s) URL, never `//host` or `javascript:`. */
function checkReturnTo(value: string): string {
  const path = value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\');
  const absolute = URL.canParse(value) && ['http:', 'https:'].includes(new URL(value).protocol);
  if (value.length > 2048 || !(path || absolute)) throw new ConnectionError('VALIDATION_FAILED', 400, 'returnTo: must be a path on this host (/…) or an http(s) URL');
  return value;
}
