import { RedditClient } from '@junction/connectors/reddit';
import { ConnectionClients, connectionTimeoutMs, requiredConfigString, type ConnectionFallback, type ConnectionResolver, type ResolvedConnection } from '@junction/integrations';
import { IntegrationError } from '@junction/resilience';

export interface RedditClientsOptions {
  fallback: ConnectionFallback<RedditClient>;
  resolver?: ConnectionResolver;
  /** For connections whose config names none. */
  userAgent: string;
  timeoutMs: number;
}

/**
 * One RedditClient (and so one token cache and one view of X-Ratelimit-*) per reddit connection: the connection's
 * api_key credential is the app's client id + secret, its config the hosts and the User-Agent.
 */
export class RedditClients extends ConnectionClients<RedditClient> {
  constructor(options: RedditClientsOptions) {
    super({
      typeSlug: 'reddit',
      label: 'Reddit',
      fallback: options.fallback,
      resolver: options.resolver,
      build: (resolved) => buildClient(resolved, options),
    });
  }
}

function buildClient(resolved: ResolvedConnection, options: RedditClientsOptions): RedditClient {
  const secret = resolved.secret;
  if (secret?.authMethod !== 'api_key' || !secret.apiSecret) {
    throw new IntegrationError('auth', `Reddit connection ${resolved.id} needs an api_key credential with apiKey = client id and apiSecret = client secret`, {
      provider: 'reddit',
      operation: 'connect',
    });
  }
  return new RedditClient({
    authBaseUrl: requiredConfigString(resolved, 'authBaseUrl') ?? 'https://www.reddit.com',
    apiBaseUrl: requiredConfigString(resolved, 'apiBaseUrl') ?? 'https://oauth.reddit.com',
    clientId: secret.apiKey,
    clientSecret: secret.apiSecret,
    userAgent: requiredConfigString(resolved, 'userAgent') ?? options.userAgent,
    timeoutMs: connectionTimeoutMs(resolved, options.timeoutMs),
  });
}
