import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditEventRepository, type NewAuditEvent, type Prisma, PrismaService, type Tx, WebhookEndpointRepository } from '@junction/persistence';
import { CredentialService, type SchemeName } from '@junction/security';
import { endpointCreateSchema, endpointUpdateSchema, parseInput, secretAddSchema, unusableSecret, validationFailed } from './endpoint.schemas';
import { type ActorContext, EndpointError, type EndpointView } from './endpoint.types';
import { type EndpointRow, isActive, toEndpointView } from './endpoint.view';
import { isUsableSecret } from './scheme-rules';

const MAX_ACTIVE_SECRETS = 5;

/**
 * Managing webhook endpoints (admin API and CLI). Each change and its audit row commit in one transaction;
 * every read and write is scoped to the caller's tenant, and another tenant's endpoint is "not found".
 * Secret values go in sealed (CredentialService) and never come back out: not in views, errors or audit rows.
 */
@Injectable()
export class WebhookEndpointService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly endpoints: WebhookEndpointRepository,
    private readonly credentials: CredentialService,
    private readonly audit: AuditEventRepository,
  ) {}

  async create(ctx: ActorContext, input: unknown): Promise<EndpointView> {
    const parsed = parseInput(endpointCreateSchema, input);
    const id = parsed.id ?? randomUUID();
    return this.prisma.transaction(async (tx) => {
      const inserted = await this.endpoints.insert(tx, {
        id,
        tenantId: ctx.tenantId,
        provider: parsed.provider,
        scheme: parsed.scheme,
        schemeOptions: jsonObject(parsed.schemeOptions ?? {}),
        description: parsed.description ?? null,
        toleranceSeconds: parsed.toleranceSeconds,
        futureToleranceSeconds: parsed.futureToleranceSeconds,
        bodyLimitBytes: parsed.bodyLimitBytes,
        rateLimitPerSecond: parsed.rateLimit?.perSecond ?? null,
        rateLimitBurst: parsed.rateLimit?.burst ?? null,
        routes: parsed.routes,
        disabledAt: null,
      });
      // The id is the URL segment, unique across tenants: saying it is taken reveals no more than the URL would.
      if (!inserted) throw new EndpointError('ENDPOINT_EXISTS', 409, `an endpoint with id "${id}" already exists`);
      const secretIds: string[] = [];
      for (const secret of parsed.secrets) secretIds.push(await this.storeSecret(tx, ctx, id, secret));
      await this.record(tx, ctx, 'endpoint.created', id, { provider: parsed.provider, scheme: parsed.scheme, secretIds });
      return this.view(tx, ctx, id);
    });
  }

  async list(ctx: ActorContext): Promise<EndpointView[]> {
    const now = new Date();
    return (await this.endpoints.listForTenant(ctx.tenantId)).map((row) => toEndpointView(row, now));
  }

  async get(ctx: ActorContext, id: string): Promise<EndpointView> {
    return toEndpointView(await this.load(ctx, id), new Date());
  }

  async update(ctx: ActorContext, id: string, patch: unknown): Promise<EndpointView> {
    if (typeof patch === 'object' && patch !== null && 'secrets' in patch) {
      throw validationFailed('secrets: an update does not change secrets; add or remove them one at a time (addSecret, removeSecret)');
    }
    const parsed = parseInput(endpointUpdateSchema, patch);
    return this.prisma.transaction(async (tx) => {
      const now = new Date();
      const current = await this.load(ctx, id, tx);
      const scheme = (parsed.scheme ?? current.scheme) as SchemeName;
      let schemeOptions = parsed.schemeOptions ? jsonObject(parsed.schemeOptions) : undefined;
      if (scheme === 'generic-hmac' && !schemeOptions && current.scheme !== 'generic-hmac') throw validationFailed('schemeOptions: required for generic-hmac');
      if (scheme !== 'generic-hmac') {
        if (schemeOptions) throw validationFailed(`schemeOptions: only generic-hmac takes options, not ${scheme}`);
        if (current.scheme === 'generic-hmac') schemeOptions = {};
      }
      if (scheme !== current.scheme) await this.checkSecretsFit(tx, id, scheme, now);
      await this.endpoints.update(tx, ctx.tenantId, id, {
        provider: parsed.provider,
        scheme: parsed.scheme,
        schemeOptions,
        description: parsed.description,
        toleranceSeconds: parsed.toleranceSeconds,
        futureToleranceSeconds: parsed.futureToleranceSeconds,
        bodyLimitBytes: parsed.bodyLimitBytes,
        rateLimitPerSecond: parsed.rateLimit === undefined ? undefined : (parsed.rateLimit?.perSecond ?? null),
        rateLimitBurst: parsed.rateLimit === undefined ? undefined : (parsed.rateLimit?.burst ?? null),
        routes: parsed.routes,
        disabledAt: parsed.disabled === undefined ? undefined : parsed.disabled ? (current.disabledAt ?? now) : null,
      });
      await this.record(tx, ctx, 'endpoint.updated', id, { fields: Object.keys(parsed).sort() });
      return this.view(tx, ctx, id);
    });
  }

  async remove(ctx: ActorContext, id: string): Promise<void> {
    await this.prisma.transaction(async (tx) => {
      const current = await this.load(ctx, id, tx);
      await this.endpoints.delete(tx, ctx.tenantId, id);
      await this.record(tx, ctx, 'endpoint.deleted', id, { provider: current.provider, scheme: current.scheme, secretIds: current.secrets.map((s) => s.id) });
    });
  }

  async addSecret(ctx: ActorContext, id: string, input: unknown): Promise<EndpointView> {
    const parsed = parseInput(secretAddSchema, input);
    return this.prisma.transaction(async (tx) => {
      const now = new Date();
      await this.lock(tx, ctx, id, now);
      const current = await this.load(ctx, id, tx);
      if (!isUsableSecret(current.scheme as SchemeName, parsed.secret)) throw validationFailed(`secret: ${unusableSecret(current.scheme as SchemeName)}`);
      const expireAfter = parsed.expirePreviousAfterSeconds;
      const activeAfter = (expireAfter === 0 ? 0 : current.secrets.filter((s) => isActive(s, now)).length) + 1;
      if (activeAfter > MAX_ACTIVE_SECRETS) {
        throw validationFailed(`an endpoint has at most ${MAX_ACTIVE_SECRETS} active secrets: remove one first, or expire the previous ones now (expirePreviousAfterSeconds: 0)`);
      }
      const secretId = await this.storeSecret(tx, ctx, id, parsed.secret);
      const previousExpireAt = expireAfter === null ? null : new Date(now.getTime() + expireAfter * 1000);
      const expiring = previousExpireAt ? await this.endpoints.expireSecrets(tx, id, previousExpireAt, [secretId]) : [];
      await this.record(tx, ctx, 'endpoint.secret.added', id, { secretId, previousExpireAt: previousExpireAt?.toISOString() ?? null, expiring });
      return this.view(tx, ctx, id);
    });
  }

  async removeSecret(ctx: ActorContext, id: string, secretId: string): Promise<EndpointView> {
    return this.prisma.transaction(async (tx) => {
      const now = new Date();
      await this.lock(tx, ctx, id, now);
      const current = await this.load(ctx, id, tx);
      const secret = current.secrets.find((s) => s.id === secretId);
      if (!secret) throw new EndpointError('ENDPOINT_NOT_FOUND', 404, `endpoint "${id}" has no secret "${secretId}"`);
      if (isActive(secret, now) && current.secrets.filter((s) => isActive(s, now)).length === 1) {
        throw new EndpointError('LAST_SECRET', 409, `secret "${secretId}" is the endpoint's last active secret: add its successor first`);
      }
      await this.endpoints.deleteSecret(tx, id, secretId);
      await this.record(tx, ctx, 'endpoint.secret.removed', id, { secretId });
      return this.view(tx, ctx, id);
    });
  }

  private async storeSecret(tx: Tx, ctx: ActorContext, endpointId: string, plaintext: string): Promise<string> {
    const credentialId = await this.credentials.store(tx, { tenantId: ctx.tenantId, purpose: 'webhook-secret', plaintext });
    return (await this.endpoints.addSecret(tx, { endpointId, credentialId })).id;
  }

  /** Secret changes lock the endpoint row: two removals cannot both pass the last-active-secret check. */
  private async lock(tx: Tx, ctx: ActorContext, id: string, now: Date): Promise<void> {
    if (!(await this.endpoints.touch(tx, ctx.tenantId, id, now))) throw notFound(id);
  }

  /** A new scheme must be able to use every active secret, or ingress would reject every request. */
  private async checkSecretsFit(tx: Tx, id: string, scheme: SchemeName, now: Date): Promise<void> {
    for (const secret of await this.endpoints.activeSecrets(tx, id, now)) {
      if (!isUsableSecret(scheme, this.credentials.reveal(secret.credential))) {
        throw validationFailed(`scheme: active secret "${secret.id}" is ${unusableSecret(scheme)}; create a new endpoint for that scheme instead`);
      }
    }
  }

  private async load(ctx: ActorContext, id: string, tx?: Tx): Promise<EndpointRow> {
    const row = await this.endpoints.findForTenant(ctx.tenantId, id, tx);
    if (!row) throw notFound(id);
    return row;
  }

  private async view(tx: Tx, ctx: ActorContext, id: string): Promise<EndpointView> {
    return toEndpointView(await this.load(ctx, id, tx), new Date());
  }

  private record(tx: Tx, ctx: ActorContext, action: string, subject: string, detail: NewAuditEvent['detail']): Promise<void> {
    return this.audit.insertMany([{ action, actor: ctx.actor, tenantId: ctx.tenantId, subject, outcome: 'ok', detail }], tx);
  }
}

/** Zod's output of a JSON request is JSON; the generic-hmac options interface just lacks the index signature. */
function jsonObject(value: object): Prisma.InputJsonObject {
  return value as Prisma.InputJsonObject;
}

function notFound(id: string): EndpointError {
  return new EndpointError('ENDPOINT_NOT_FOUND', 404, `no webhook endpoint "${id}"`);
}
