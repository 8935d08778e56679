import type { AlertChannel } from '@junction/persistence';
import type { CredentialService } from '@junction/security';
import type { AlertChannelRepository } from './alert-channel.repository';
import type { AlertChannelView } from './alert-channel.types';
import type { AlertChannelKind, OpenedChannel } from './alert-channel.sender';
import { maskSecretUrl } from './channel-secret';

export type OpenResult = { ok: true; channel: OpenedChannel } | { ok: false; error: string };

/**
 * Opens channels' sealed secrets (CredentialService, the vault) for one send or for the masked view of a Slack URL.
 * A secret that cannot be opened (no credential, a KEK no longer listed) is an error line without key material.
 */
export class AlertChannelSecrets {
  constructor(
    private readonly credentials: CredentialService,
    private readonly channels: AlertChannelRepository,
  ) {}

  async open(rows: readonly AlertChannel[]): Promise<Map<string, OpenResult>> {
    const sealed = await this.channels.credentials(rows.flatMap((r) => (r.credentialId ? [r.credentialId] : [])));
    const out = new Map<string, OpenResult>();
    for (const row of rows) {
      const credential = row.credentialId ? sealed.get(row.credentialId) : undefined;
      if (!credential) {
        out.set(row.id, { ok: false, error: 'the channel has no stored secret' });
        continue;
      }
      try {
        const secret = this.credentials.reveal(credential);
        out.set(row.id, { ok: true, channel: { id: row.id, name: row.name, kind: row.kind as AlertChannelKind, url: row.url, secret } });
      } catch (error: unknown) {
        // VaultError messages name the key id, never key material or plaintext.
        out.set(row.id, { ok: false, error: `the channel's secret cannot be opened: ${(error as { code?: string }).code ?? 'VAULT_ERROR'}` });
      }
    }
    return out;
  }

  async views(rows: readonly AlertChannel[]): Promise<AlertChannelView[]> {
    const slack = rows.filter((r) => r.kind === 'slack');
    const opened = slack.length > 0 ? await this.open(slack) : new Map<string, OpenResult>();
    return rows.map((row) => {
      const o = opened.get(row.id);
      const target = row.kind === 'slack' ? (o?.ok ? maskSecretUrl(o.channel.secret) : '(secret unavailable)') : (row.url ?? '');
      return { id: row.id, name: row.name, kind: row.kind as AlertChannelKind, target, enabled: row.enabled, createdAt: row.createdAt, updatedAt: row.updatedAt };
    });
  }
}
