import { z } from 'zod';
import { ManagementError } from '@junction/contracts';
import type { AlertChannel } from '@junction/persistence';

export type AlertChannelErrorCode = 'VALIDATION_FAILED' | 'INVALID_URL' | 'INVALID_SECRET' | 'CHANNEL_NAME_TAKEN' | 'CHANNEL_NOT_FOUND';

/** Errors of the channel API and CLI: a stable code, a status, a message that never quotes a secret. */
export class AlertChannelError extends ManagementError<AlertChannelErrorCode> {
  override readonly name = 'AlertChannelError';
}

const name = z.string().trim().min(1).max(100);
/** Secrets are strings here; their form is checked afterwards so no zod message can quote them. */
export const alertChannelCreateSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('webhook'), name, url: z.string().max(2_000), secret: z.string().max(200).optional(), enabled: z.boolean().optional() }),
  z.strictObject({ kind: z.literal('slack'), name, webhookUrl: z.string().max(2_000), enabled: z.boolean().optional() }),
]);
export type AlertChannelCreateInput = z.infer<typeof alertChannelCreateSchema>;

/** A channel as the API and CLI show it: never the signing secret, and a Slack URL only masked. */
export interface AlertChannelView {
  id: string;
  name: string;
  kind: 'webhook' | 'slack';
  /** webhook: its URL; slack: `hooks.slack.com/services/T***`. */
  target: string;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface AlertChannelCreated {
  channel: AlertChannelView;
  /** Only when Junction generated it: shown this once, never again (it is sealed in the vault). */
  signingSecret?: string;
}

export interface AlertChannelTestResult {
  ok: boolean;
  status: number | null;
  latencyMs: number;
  /** The receiver's short answer or the failure, without secrets; null when ok. */
  error: string | null;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * https anywhere, or http to this machine only (tests, a local receiver). No user:password@ (the URL of a webhook
 * is stored in clear). The message names the rule, never the URL (a Slack URL is a secret).
 */
export function checkTargetUrl(value: string, label: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AlertChannelError('INVALID_URL', 400, `${label} is not a URL`);
  }
  if (url.username || url.password) throw new AlertChannelError('INVALID_URL', 400, `${label} must not contain credentials`);
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && LOOPBACK.test(url.hostname)) return url;
  throw new AlertChannelError('INVALID_URL', 400, `${label} must be https (http only to localhost / 127.0.0.1 / [::1])`);
}

export const channelNotFound = (id: string) => new AlertChannelError('CHANNEL_NOT_FOUND', 404, `no alert channel ${id.slice(0, 64)} for this tenant`);

export type ChannelRow = AlertChannel;
