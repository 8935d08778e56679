import { Injectable, Logger } from '@nestjs/common';
import { type ApiKey, ApiKeyRepository, AuditEventRepository, type NewAuditEvent, PrismaService, type Tx } from '@junction/persistence';
import { apiKeyMatches, generateApiKey, hashApiKey, parseApiKey } from '@junction/security';
import type { ActorContext } from '../endpoints/endpoint.types';
import { type ApiKeyCreateInput, apiKeyCreateSchema, ApiKeyError, type ApiKeyScope, type ApiKeyVerification, type ApiKeyView, type AuthenticatedApiKey } from './api-key.types';

/** lastUsedAt is a hint for operators, not an access log: one write a minute per key at most. */
const TOUCH_INTERVAL_MS = 60_000;

/**
 * API keys of a tenant: stored as sha256 only, shown in full once (create). `authenticate` is on every admin
 * request's path: one primary-key read, a constant-time compare, and rarely a lastUsedAt write.
 */
@Injectable()
export class ApiKeyService {
  private readonly logger = new Logger(ApiKeyService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly apiKeys: ApiKeyRepository,
    private readonly audit: AuditEventRepository,
  ) {}

  async create(ctx: ActorContext, input: ApiKeyCreateInput): Promise<{ key: string; view: ApiKeyView }> {
    const parsed = parseKeyInput(input);
    const generated = generateApiKey();
    return this.prisma.transaction(async (tx) => {
      const row = await this.apiKeys.insert(tx, { id: generated.id, tenantId: ctx.tenantId, name: parsed.name, hash: generated.hash, scopes: parsed.scopes, mcpTools: parsed.mcpTools });
      await this.record(tx, ctx, 'api-key.created', row.id, { name: parsed.name, scopes: parsed.scopes, ...(parsed.mcpTools?.length ? { mcpTools: parsed.mcpTools } : {}) });
      return { key: generated.key, view: toView(row) };
    });
  }

  async list(ctx: ActorContext): Promise<ApiKeyView[]> {
    return (await this.apiKeys.listForTenant(ctx.tenantId)).map(toView);
  }

  /** Idempotent: revoking a revoked key changes nothing. Another tenant's key is API_KEY_NOT_FOUND. */
  async revoke(ctx: ActorContext, id: string): Promise<ApiKeyView> {
    return this.prisma.transaction(async (tx) => {
      const existing = await this.apiKeys.findById(id, tx);
      if (!existing || existing.tenantId !== ctx.tenantId) throw new ApiKeyError('API_KEY_NOT_FOUND', 404, `no API key "${id}"`);
      if (await this.apiKeys.revoke(tx, ctx.tenantId, id, new Date())) await this.record(tx, ctx, 'api-key.revoked', id, { name: existing.name });
      return toView((await this.apiKeys.findById(id, tx))!);
    });
  }

  /**
   * Registers a key whose plaintext the caller already has (standalone mode's generated key): inserts it, or
   * brings name, scopes and hash up to date. A revoked key stays revoked: ensure never resurrects one.
   */
  async ensure(ctx: ActorContext, input: { key: string } & ApiKeyCreateInput): Promise<ApiKeyView> {
    const parsedKey = parseApiKey(input.key);
    if (!parsedKey) throw new ApiKeyError('VALIDATION_FAILED', 400, 'key: expected jk_<12 letters or digits>_<43+ base64url characters> (see generateApiKey)');
    const { name, scopes } = parseKeyInput({ name: input.name, scopes: input.scopes });
    const hash = hashApiKey(input.key);
    return this.prisma.transaction(async (tx) => {
      const existing = await this.apiKeys.findById(parsedKey.id, tx);
      if (!existing) {
        const row = await this.apiKeys.insert(tx, { id: parsedKey.id, tenantId: ctx.tenantId, name, hash, scopes });
        await this.record(tx, ctx, 'api-key.created', row.id, { name, scopes, via: 'ensure' });
        return toView(row);
      }
      if (existing.tenantId !== ctx.tenantId) throw new ApiKeyError('API_KEY_EXISTS', 409, `API key id "${parsedKey.id}" belongs to another tenant`);
      const fields = [
        ...(existing.name !== name ? ['name'] : []),
        ...(existing.scopes.join(',') !== scopes.join(',') ? ['scopes'] : []),
        ...(apiKeyMatches(input.key, existing.hash) ? [] : ['hash']),
      ];
      if (fields.length === 0) return toView(existing);
      const row = await this.apiKeys.update(tx, ctx.tenantId, existing.id, { name, scopes, hash });
      await this.record(tx, ctx, 'api-key.updated', row.id, { fields, via: 'ensure' });
      return toView(row);
    });
  }

  /** Null for a malformed, unknown, wrong, revoked or out-of-scope key: the caller answers 401 without saying which. */
  async authenticate(presented: string, scope: ApiKeyScope): Promise<AuthenticatedApiKey | null> {
    const verified = await this.verify(presented, scope);
    return verified.ok ? verified.key : null;
  }

  /**
   * Like `authenticate`, but says whether a refused key is not a key at all (malformed, unknown, wrong, revoked:
   * INVALID_KEY) or a valid key without `scope` (MISSING_SCOPE). Only a caller holding a valid key learns the
   * difference, so it reveals nothing about which keys exist. lastUsedAt records only uses that were allowed.
   */
  async verify(presented: string, scope: ApiKeyScope): Promise<ApiKeyVerification> {
    const parsed = parseApiKey(presented);
    if (!parsed) return { ok: false, reason: 'INVALID_KEY' };
    const row = await this.apiKeys.findById(parsed.id);
    if (!row || !apiKeyMatches(presented, row.hash) || row.revokedAt !== null) return { ok: false, reason: 'INVALID_KEY' };
    if (!row.scopes.includes(scope)) return { ok: false, reason: 'MISSING_SCOPE' };
    const now = new Date();
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) {
      try {
        await this.apiKeys.touchLastUsed(row.id, now, new Date(now.getTime() - TOUCH_INTERVAL_MS));
      } catch (error: unknown) {
        // Best effort: a failed hint must not fail a request that authenticated.
        this.logger.warn({ message: 'could not record the API key use', apiKeyId: row.id, error: (error as Error).message });
      }
    }
    return { ok: true, key: { id: row.id, tenantId: row.tenantId, scopes: row.scopes as ApiKeyScope[], mcpTools: row.mcpTools } };
  }

  private record(tx: Tx, ctx: ActorContext, action: string, subject: string, detail: NewAuditEvent['detail']): Promise<void> {
    return this.audit.insertMany([{ action, actor: ctx.actor, tenantId: ctx.tenantId, subject, outcome: 'ok', detail }], tx);
  }
}

function parseKeyInput(input: unknown): ApiKeyCreateInput {
  const result = apiKeyCreateSchema.safeParse(input);
  if (result.success) return result.data;
  throw new ApiKeyError('VALIDATION_FAILED', 400, result.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; '));
}

function toView(row: ApiKey): ApiKeyView {
  return { id: row.id, tenantId: row.tenantId, name: row.name, scopes: row.scopes as ApiKeyScope[], mcpTools: row.mcpTools, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt, revokedAt: row.revokedAt };
}
