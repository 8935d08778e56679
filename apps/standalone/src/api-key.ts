import { ApiKeyRepository, AuditEventRepository, PrismaService } from '@junction/persistence';
import { generateApiKey, parseApiKey } from '@junction/security';
import { type ActorContext, ApiKeyError, ApiKeyService } from '@junction/webhooks';

export interface StandaloneApiKey {
  key: string;
  /** True when the key is registered in api_key with the admin and commands scopes (a `jk_` key). */
  admin: boolean;
  /** Set when the key cannot be used for the admin API, and why. */
  warning?: string;
}

const NAME = 'standalone';

/**
 * The key the banner prints: JUNCTION_API_KEY, else a fresh `jk_` key. A `jk_` key is registered (ensure: insert,
 * or bring name, scopes and hash up to date) so the same key works for POST /commands and the admin API; both
 * look it up in api_key on every request, so revoking it cuts it off everywhere. A key in another format still
 * works for /commands (webhook-ingress compares it with JUNCTION_API_KEY, for TENANT_ID) but not for admin.
 * A generated key replaces the one the previous start generated (revoked), so restarts do not pile up admin keys.
 */
export async function standaloneApiKey(databaseUrl: string, tenantId: string, configured: string | undefined): Promise<StandaloneApiKey> {
  const key = configured ?? generateApiKey().key;
  if (!parseApiKey(key)) {
    return { key, admin: false, warning: 'JUNCTION_API_KEY is not a jk_… key: it works for POST /commands only; the admin API needs one (unset JUNCTION_API_KEY to get one)' };
  }
  const prisma = new PrismaService(databaseUrl, { poolMax: 1 });
  const apiKeys = new ApiKeyService(prisma, new ApiKeyRepository(prisma), new AuditEventRepository(prisma));
  const ctx: ActorContext = { tenantId, actor: 'standalone' };
  try {
    const view = await apiKeys.ensure(ctx, { key, name: NAME, scopes: ['admin', 'commands'] });
    // ensure never resurrects a revoked key: say so rather than print a key the admin API refuses.
    if (view.revokedAt) return { key, admin: false, warning: `JUNCTION_API_KEY (id ${view.id}) is revoked: POST /commands and the admin API refuse it; unset JUNCTION_API_KEY to get a new key` };
    if (!configured) {
      for (const previous of await apiKeys.list(ctx)) {
        if (previous.name === NAME && previous.id !== view.id && !previous.revokedAt) await apiKeys.revoke(ctx, previous.id);
      }
    }
    return { key, admin: true };
  } catch (error: unknown) {
    // API_KEY_EXISTS: the key's id belongs to another tenant (TENANT_ID changed). Its scopes and tenant stay as
    // stored: /commands takes it only if it has the commands scope, and then for its own tenant.
    if (error instanceof ApiKeyError) return { key, admin: false, warning: `JUNCTION_API_KEY cannot be used for the admin API: ${error.message}` };
    throw error;
  } finally {
    await prisma.$disconnect();
  }
}
