import type { ActorContext } from '@junction/contracts';
import type { AuditEventRepository } from '@junction/persistence';
import type { CredentialService } from '@junction/security';
import { type AlertChannelRepository, isNameTaken } from '../../alert-channel.repository';
import type { AlertChannelSecrets } from '../../alert-channel.secrets';
import { AlertChannelError, type AlertChannelCreated, alertChannelCreateSchema, checkTargetUrl } from '../../alert-channel.types';
import { generateSigningSecret, isSigningSecret } from '../../channel-secret';

/**
 * Creates a webhook or Slack channel. Its secret (the webhook's signing secret, generated when not given and then
 * returned this once; the Slack incoming-webhook URL) is sealed in the vault in the same transaction as the row.
 */
export class CreateAlertChannelHandler {
  constructor(
    private readonly channels: AlertChannelRepository,
    private readonly credentials: CredentialService,
    private readonly secrets: AlertChannelSecrets,
    private readonly audit: AuditEventRepository,
  ) {}

  async execute(actor: ActorContext, body: unknown): Promise<AlertChannelCreated> {
    const parsed = alertChannelCreateSchema.safeParse(body);
    // Issue messages and paths only: zod never quotes the input in them.
    if (!parsed.success) throw new AlertChannelError('VALIDATION_FAILED', 400, parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    const input = parsed.data;
    let secret: string;
    let generated: string | undefined;
    let url: string | null = null;
    if (input.kind === 'webhook') {
      url = checkTargetUrl(input.url, 'url').toString();
      if (input.secret !== undefined && !isSigningSecret(input.secret)) throw new AlertChannelError('INVALID_SECRET', 400, 'secret must be a Standard Webhooks secret: whsec_ followed by base64 of 24 to 64 bytes');
      secret = input.secret ?? (generated = generateSigningSecret());
    } else {
      secret = checkTargetUrl(input.webhookUrl, 'webhookUrl').toString();
    }
    try {
      const row = await this.channels.transaction(async (tx) => {
        const credentialId = await this.credentials.store(tx, { tenantId: actor.tenantId, purpose: `alert-channel-${input.kind}`, plaintext: secret });
        const created = await this.channels.insert(tx, { tenantId: actor.tenantId, name: input.name, kind: input.kind, url, credentialId, enabled: input.enabled ?? true });
        await this.audit.insertMany([{ action: 'alert-channel.created', actor: actor.actor, outcome: 'ok', tenantId: actor.tenantId, subject: created.id, detail: { name: created.name, kind: created.kind } }], tx);
        return created;
      });
      const [channel] = await this.secrets.views([row]);
      return { channel: channel!, ...(generated ? { signingSecret: generated } : {}) };
    } catch (error: unknown) {
      if (isNameTaken(error)) throw new AlertChannelError('CHANNEL_NAME_TAKEN', 409, `an alert channel named "${input.name}" exists already`);
      throw error;
    }
  }
}
