import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client';
import { PrismaService, type Tx } from '../prisma/prisma.service';

/** The endpoint's columns a caller sets; id, tenantId, provider and scheme are required on insert. */
export interface WebhookEndpointFields {
  provider: string;
  scheme: string;
  schemeOptions: Prisma.InputJsonValue;
  description: string | null;
  toleranceSeconds: number;
  futureToleranceSeconds: number;
  bodyLimitBytes: number;
  rateLimitPerSecond: number | null;
  rateLimitBurst: number | null;
  routes: Prisma.InputJsonValue;
  disabledAt: Date | null;
}

export interface NewWebhookEndpointRow extends WebhookEndpointFields {
  id: string;
  tenantId: string;
}

const withSecrets = { secrets: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } } satisfies Prisma.WebhookEndpointInclude;

/** webhook_endpoint with its secrets (webhook_secret → credential). */
@Injectable()
export class WebhookEndpointRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * What the ingress hot path needs to verify a request: the endpoint and its unexpired secrets, still sealed.
   * Null when there is no such endpoint or it is disabled.
   */
  async findForIngress(id: string) {
    const endpoint = await this.prisma.webhookEndpoint.findUnique({
      where: { id },
      include: {
        secrets: {
          where: { OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
          include: { credential: true },
          orderBy: { createdAt: 'desc' },
        },
      },
    });
    return endpoint && !endpoint.disabledAt ? endpoint : null;
  }

  /** One endpoint of `tenantId` with all its secrets (expired ones too, oldest first); null for another tenant's. */
  findForTenant(tenantId: string, id: string, tx?: Tx) {
    return (tx ?? this.prisma).webhookEndpoint.findFirst({ where: { id, tenantId }, include: withSecrets });
  }

  listForTenant(tenantId: string) {
    return this.prisma.webhookEndpoint.findMany({ where: { tenantId }, include: withSecrets, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  /**
   * False when the id is taken (by any tenant: the id is the URL segment). ON CONFLICT DO NOTHING rather than
   * a caught unique violation, which would abort the caller's transaction.
   */
  async insert(tx: Tx, row: NewWebhookEndpointRow): Promise<boolean> {
    const { count } = await tx.webhookEndpoint.createMany({ data: [row], skipDuplicates: true });
    return count === 1;
  }

  /** False when `tenantId` has no endpoint `id`. */
  async update(tx: Tx, tenantId: string, id: string, changes: Partial<WebhookEndpointFields>): Promise<boolean> {
    const { count } = await tx.webhookEndpoint.updateMany({ where: { id, tenantId }, data: changes });
    return count === 1;
  }

  /** Deletes the endpoint, its secrets and their credential rows (which the cascade alone would leave behind). */
  async delete(tx: Tx, tenantId: string, id: string): Promise<boolean> {
    await tx.credential.deleteMany({ where: { tenantId, webhookSecrets: { some: { endpointId: id, endpoint: { tenantId } } } } });
    const { count } = await tx.webhookEndpoint.deleteMany({ where: { id, tenantId } });
    return count === 1;
  }

  addSecret(tx: Tx, row: { endpointId: string; credentialId: string; expiresAt?: Date | null }) {
    return tx.webhookSecret.create({ data: { endpointId: row.endpointId, credentialId: row.credentialId, expiresAt: row.expiresAt ?? null } });
  }

  /**
   * Makes every secret of the endpoint except `keepIds` expire at `at`, unless it already expires earlier.
   * Returns the ids it changed.
   */
  async expireSecrets(tx: Tx, endpointId: string, at: Date, keepIds: readonly string[]): Promise<string[]> {
    const where: Prisma.WebhookSecretWhereInput = { endpointId, id: { notIn: [...keepIds] }, OR: [{ expiresAt: null }, { expiresAt: { gt: at } }] };
    const ids = (await tx.webhookSecret.findMany({ where, select: { id: true }, orderBy: { createdAt: 'asc' } })).map((s) => s.id);
    if (ids.length > 0) await tx.webhookSecret.updateMany({ where: { id: { in: ids } }, data: { expiresAt: at } });
    return ids;
  }

  /** The endpoint's unexpired secrets with their sealed credential (to re-check them against a new scheme). */
  activeSecrets(tx: Tx, endpointId: string, now: Date) {
    return tx.webhookSecret.findMany({
      where: { endpointId, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
      include: { credential: true },
      orderBy: { createdAt: 'asc' },
    });
  }

  /** Deletes one secret of the endpoint together with its credential row. False when there is no such secret. */
  async deleteSecret(tx: Tx, endpointId: string, secretId: string): Promise<boolean> {
    const secret = await tx.webhookSecret.findFirst({ where: { id: secretId, endpointId }, select: { credentialId: true } });
    if (!secret) return false;
    // Deleting the credential cascades to the webhook_secret row.
    await tx.credential.delete({ where: { id: secret.credentialId } });
    return true;
  }

  /**
   * Sets updatedAt of an endpoint of `tenantId`; false when there is none. The UPDATE also locks the row until
   * `tx` ends, so secret changes of one endpoint (e.g. two removals racing past the last-secret check) run in turn.
   */
  async touch(tx: Tx, tenantId: string, id: string, at: Date): Promise<boolean> {
    const { count } = await tx.webhookEndpoint.updateMany({ where: { id, tenantId }, data: { updatedAt: at } });
    return count === 1;
  }
}
