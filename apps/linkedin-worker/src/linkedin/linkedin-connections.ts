import { LinkedInClient, type LinkedInTokenProvider } from '@junction/connectors/linkedin';
import {
  ConnectionClients,
  ConnectionError,
  connectionTimeoutMs,
  defaultLinkedInVersion,
  requiredConfigString,
  UnresolvedConnectionError,
  type ConnectionFallback,
  type ConnectionResolver,
  type ResolvedConnection,
} from '@junction/integrations';
import { IntegrationError } from '@junction/resilience';

const DEFAULT_API = 'https://api.linkedin.com';

/** A LinkedIn client and the organization commands act on when they name none. */
export interface LinkedInAccount {
  client: LinkedInClient;
  /** From the connection's `config.organizationUrn` (or LINKEDIN_ORGANIZATION_ID / the sandbox's 1001). */
  organizationId?: number;
}

/** The LinkedIn client a command runs on, the key of its resilience pipeline, and the connection's default organization. */
export interface LinkedInTarget extends LinkedInAccount {
  /** CallContext.connection: the connection id, or `sandbox` / `env` when no connection row is involved. */
  connection: string;
  connectionId: string | null;
}

export type LinkedInFallback = ConnectionFallback<LinkedInAccount>;

export interface LinkedInConnectionsOptions {
  fallback: LinkedInFallback;
  timeoutMs: number;
  /** LINKEDIN_VERSION: used when a connection's config names no version. */
  version?: string;
  /** Absent without JUNCTION_KEK. */
  resolver?: ConnectionResolver;
  now?: () => Date;
}

/**
 * One LinkedInClient per `linkedin` connection version (ConnectionClients), else the fallback. For oauth2 connections
 * the token provider is the resolver's `accessToken` (OAuthTokenManager: refresh before expiry and after a 401, one
 * refresh per token across replicas); a grant that is dead surfaces as UnresolvedConnectionError REAUTH_REQUIRED.
 */
export class LinkedInConnections {
  private readonly accounts: ConnectionClients<LinkedInAccount>;

  constructor(private readonly options: LinkedInConnectionsOptions) {
    this.accounts = new ConnectionClients({
      typeSlug: 'linkedin',
      label: 'LinkedIn',
      fallback: options.fallback,
      resolver: options.resolver,
      build: (resolved) => this.build(resolved),
    });
  }

  async forCommand(command: { tenantId: string; connectionId?: string }): Promise<LinkedInTarget> {
    const { client: account, connection, connectionId } = await this.accounts.forCommand(command);
    return { ...account, connection, connectionId };
  }

  private build(resolved: ResolvedConnection): LinkedInAccount {
    const baseUrl = requiredConfigString(resolved, 'apiBaseUrl') ?? DEFAULT_API;
    const version = requiredConfigString(resolved, 'version') ?? this.options.version ?? defaultLinkedInVersion((this.options.now ?? (() => new Date()))());
    const organization = /^urn:li:organization:(\d+)$/.exec(requiredConfigString(resolved, 'organizationUrn') ?? '')?.[1];
    const client = new LinkedInClient({ baseUrl, version, token: tokenProvider(resolved), timeoutMs: connectionTimeoutMs(resolved, this.options.timeoutMs) });
    return { client, ...(organization ? { organizationId: Number(organization) } : {}) };
  }
}

function tokenProvider(resolved: ResolvedConnection): LinkedInTokenProvider {
  if (resolved.authMethod === 'oauth2') {
    const accessToken = resolved.accessToken;
    if (!accessToken) throw invalid(resolved, 'oauth2 connection without a token source (IntegrationsModule not loaded)');
    return async (rejected) => {
      try {
        return await accessToken(rejected ? { rejected } : {});
      } catch (error) {
        // REAUTH_REQUIRED (the refresh was rejected: connection marked, alert raised), no tokens yet, gone.
        if (error instanceof ConnectionError) throw new UnresolvedConnectionError(error.code, `LinkedIn: ${error.message}`);
        throw error;
      }
    };
  }
  const secret = resolved.secret;
  if (resolved.authMethod === 'bearer' && secret?.authMethod === 'bearer') {
    const token = secret.token;
    return () => Promise.resolve(token);
  }
  throw invalid(resolved, `auth method ${resolved.authMethod} is not supported by linkedin-worker (use oauth2, or bearer with a member token)`);
}

function invalid(resolved: ResolvedConnection, what: string): IntegrationError {
  return new IntegrationError('auth', `LinkedIn connection ${resolved.name} (${resolved.id}): ${what}`, { provider: 'linkedin', operation: 'resolveConnection' });
}
