import { Injectable, Logger } from '@nestjs/common';
import { WebhookEndpointRepository } from '@junction/persistence';
import { CredentialService, webhookSchemes, type GenericHmacOptions, type WebhookScheme } from '@junction/security';

/** An endpoint as this app needs it: secrets opened and prepared as HMAC keys (in memory only), routes as stored. */
export interface LoadedEndpoint {
  readonly id: string;
  /** Bumped by every change: the router recompiles routes when it moves. */
  readonly updatedAt: Date;
  /** As stored (validated when saved); the router compiles them. */
  readonly routes: unknown;
  readonly tenantId: string;
  readonly provider: string;
  readonly scheme: WebhookScheme;
  readonly options?: GenericHmacOptions;
  readonly keys: readonly Buffer[];
  readonly tolerance: { readonly pastSeconds: number; readonly futureSeconds: number };
  readonly bodyLimitBytes: number;
  readonly rateLimit?: { readonly perSecond: number; readonly burst: number };
  /** The earliest instant a secret expires: the cache entry must not outlive it. */
  readonly validUntil: number;
}

const TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

/**
 * Endpoints for the hot path, cached for TTL_MS (changes made on another replica or by the CLI show within
 * that), unknown ids too (a flood of random ids costs one query per id per TTL). Concurrent misses for one id
 * share a single load. A secret that no longer opens or does not suit its scheme is skipped with an error log
 * (naming the secret id, never its value) so the endpoint's other secrets keep working.
 */
@Injectable()
export class EndpointCache {
  private readonly logger = new Logger(EndpointCache.name);
  private readonly entries = new Map<string, { value: Promise<LoadedEndpoint | null>; expiresAt: number }>();

  constructor(
    private readonly endpoints: WebhookEndpointRepository,
    private readonly credentials: CredentialService,
  ) {}

  get(id: string, now = Date.now()): Promise<LoadedEndpoint | null> {
    const cached = this.entries.get(id);
    if (cached && cached.expiresAt > now) return cached.value;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    const entry = { value: this.load(id), expiresAt: now + TTL_MS };
    this.entries.set(id, entry);
    entry.value.then(
      (endpoint) => {
        if (endpoint) entry.expiresAt = Math.min(entry.expiresAt, endpoint.validUntil);
      },
      () => this.entries.delete(id), // a failed load (database down) is not cached
    );
    return entry.value;
  }

  /** After a local admin change: the next request reloads. */
  invalidate(id: string): void {
    this.entries.delete(id);
  }

  private async load(id: string): Promise<LoadedEndpoint | null> {
    const row = await this.endpoints.findForIngress(id);
    if (!row) return null;
    const scheme = webhookSchemes[row.scheme as keyof typeof webhookSchemes];
    if (!scheme) {
      this.logger.error({ endpointId: id, scheme: row.scheme }, 'webhook endpoint has an unknown scheme');
      return null;
    }
    const keys: Buffer[] = [];
    for (const secret of row.secrets) {
      try {
        keys.push(scheme.prepareKey(this.credentials.reveal(secret.credential)));
      } catch (error) {
        this.logger.error({ endpointId: id, secretId: secret.id, reason: (error as Error).message }, 'webhook secret unusable; skipped');
      }
    }
    const expiries = row.secrets.map((s) => s.expiresAt?.getTime()).filter((t): t is number => t !== undefined);
    return {
      id: row.id,
      updatedAt: row.updatedAt,
      routes: row.routes,
      tenantId: row.tenantId,
      provider: row.provider,
      scheme,
      options: row.scheme === 'generic-hmac' ? (row.schemeOptions as unknown as GenericHmacOptions) : undefined,
      keys,
      tolerance: { pastSeconds: row.toleranceSeconds, futureSeconds: row.futureToleranceSeconds },
      bodyLimitBytes: row.bodyLimitBytes,
      rateLimit: row.rateLimitPerSecond && row.rateLimitBurst ? { perSecond: row.rateLimitPerSecond, burst: row.rateLimitBurst } : undefined,
      validUntil: Math.min(Infinity, ...expiries),
    };
  }
}
