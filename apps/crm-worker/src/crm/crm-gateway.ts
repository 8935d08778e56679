import { HubSpotClient } from '@junction/connectors/crm';
import { ConnectionClients, connectionTimeoutMs, requiredConfigString, type ConnectionFallback, type ConnectionResolver, type ResolvedConnection } from '@junction/integrations';
import { IntegrationError, type ResiliencePipelines } from '@junction/resilience';
import type { CrmPort } from './crm.port';
import { CRM_PROVIDER, HubSpotCrm, type HubSpotCrmOptions } from './hubspot/hubspot-crm.adapter';

/** Catalog slug of the HubSpot-style CRM (libs/integrations catalog). */
export const CRM_TYPE_SLUG = 'crm';
const HUBSPOT_API = 'https://api.hubapi.com';

/** The command fields the gateway routes on. */
export interface CrmCommandRef {
  readonly id: string;
  readonly tenantId: string;
  readonly connectionId?: string;
  readonly correlationId?: string;
  readonly deadline?: string;
}

export interface CrmGatewayOptions {
  /** The sandbox or env client, when the worker has one. */
  fallbackClient?: { kind: 'sandbox' | 'env'; client: HubSpotClient };
  /** With JUNCTION_KEK: connection rows are resolved. */
  resolver?: ConnectionResolver;
  /** Env credentials with connections on: they serve this tenant only (others need a connection of their own). */
  envTenantId?: string;
  timeoutMs: number;
  calls: ResiliencePipelines;
  adapter?: HubSpotCrmOptions;
}

/**
 * The CrmPort a command runs on: its connection (envelope connectionId, else the tenant's default `crm` connection),
 * else the fallback — the in-process sandbox when no credentials exist anywhere, or CRM_* (for every tenant without
 * JUNCTION_KEK; only for envTenantId with it, so another tenant never writes through the operator's token).
 */
export class CrmGateway {
  private readonly shared: ConnectionClients<HubSpotClient>;
  private readonly strict: ConnectionClients<HubSpotClient>;

  constructor(private readonly options: CrmGatewayOptions) {
    const build = (resolved: ResolvedConnection) => buildClient(resolved, options.timeoutMs);
    const base = { typeSlug: CRM_TYPE_SLUG, label: 'CRM', resolver: options.resolver, build };
    const fallback: ConnectionFallback<HubSpotClient> = options.fallbackClient ?? { kind: 'none' };
    this.shared = new ConnectionClients({ ...base, fallback });
    this.strict = options.envTenantId !== undefined ? new ConnectionClients({ ...base, fallback: { kind: 'none' } }) : this.shared;
  }

  /** Throws UnresolvedConnectionError (not retryable: dead-lettered) when the command has no usable connection. */
  async forCommand(command: CrmCommandRef, signal?: AbortSignal): Promise<CrmPort> {
    const { envTenantId } = this.options;
    const clients = envTenantId === undefined || command.tenantId === envTenantId ? this.shared : this.strict;
    const target = await clients.forCommand(command);
    return new HubSpotCrm(
      target.client,
      this.options.calls,
      {
        connection: target.connection,
        deadline: command.deadline ? Date.parse(command.deadline) : undefined,
        correlationId: command.correlationId,
        messageId: command.id,
        signal,
      },
      this.options.adapter,
    );
  }
}

/** A HubSpotClient for a `crm` connection: a private-app token (bearer) or OAuth (the token manager's current token). */
export function buildClient(resolved: ResolvedConnection, timeoutMs: number): HubSpotClient {
  const baseUrl = requiredConfigString(resolved, 'baseUrl') ?? HUBSPOT_API;
  const timeout = connectionTimeoutMs(resolved, timeoutMs);
  const secret = resolved.secret;
  if (secret?.authMethod === 'bearer') return new HubSpotClient({ baseUrl, token: secret.token, timeoutMs: timeout });
  if (resolved.authMethod === 'oauth2' && resolved.accessToken) return new HubSpotClient({ baseUrl, token: resolved.accessToken, timeoutMs: timeout });
  throw new IntegrationError('auth', `connection ${resolved.name} (${resolved.id}): auth method ${resolved.authMethod} is not usable by crm-worker (use bearer with a private-app token, or oauth2)`, {
    provider: CRM_PROVIDER,
    operation: 'connection.open',
  });
}
