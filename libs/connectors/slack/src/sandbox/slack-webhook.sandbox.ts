/**
 * A fake of Slack's incoming webhooks (https://hooks.slack.com/services/T…/B…/<secret>), as Slack documents them
 * ("Sending messages using incoming webhooks", "Handling errors"): POST a JSON body (or a form field `payload`
 * holding JSON) with `text` and/or `blocks`; 200 `ok` as text/html; errors are plain-text codes with their status.
 */
import { randomBytes } from 'node:crypto';
import { SandboxServer, type SandboxRequest, type SandboxResponse, type SandboxServerOptions } from '@junction/connectors/sandbox-kit';

/** What became of a hook since it was created: Slack's answer for each state. */
export type SlackHookState = 'active' | 'revoked' | 'channel_not_found' | 'channel_is_archived' | 'action_prohibited';

export interface SlackHook {
  readonly team: string;
  readonly id: string;
  readonly secret: string;
  readonly channel: string;
  state: SlackHookState;
}

/** One message Slack accepted: what a test asserts on (the sandbox's side-effect ledger). */
export interface SlackMessage {
  readonly at: Date;
  readonly hookId: string;
  readonly channel: string;
  readonly text: string | undefined;
  readonly blocks: readonly unknown[] | undefined;
}

/** The documented error codes of an incoming webhook, with the status Slack sends each with. */
export const SLACK_WEBHOOK_ERRORS = {
  invalid_payload: 400,
  invalid_blocks: 400,
  missing_text_or_fallback_or_attachments: 400,
  action_prohibited: 403,
  invalid_token: 403,
  no_service: 404,
  channel_not_found: 404,
  channel_is_archived: 410,
  rate_limited: 429,
} as const;
export type SlackWebhookError = keyof typeof SLACK_WEBHOOK_ERRORS;

const PATH = /^\/services\/(T[A-Z0-9]+)\/(B[A-Z0-9]+)\/([A-Za-z0-9]+)$/;
/** Slack's block limit per message. */
const MAX_BLOCKS = 50;

const text = (status: number, body: string, headers: Record<string, string> = {}): SandboxResponse => ({
  status,
  raw: body,
  headers: { 'content-type': status === 200 ? 'text/html' : 'text/plain; charset=utf-8', ...headers },
});
const fail = (code: SlackWebhookError): SandboxResponse => text(SLACK_WEBHOOK_ERRORS[code], code);

/**
 * Hooks are created with `createHook()` (the URL is the secret, as in Slack) and can be broken on purpose with
 * `setHookState()`. Faults from sandbox-kit come first (`faults.set({ failNext: { count, status: 429, retryAfter: 1 } })`)
 * and answer with Slack-shaped bodies.
 */
export class SlackWebhookSandbox extends SandboxServer {
  readonly messages: SlackMessage[] = [];
  private readonly hooks = new Map<string, SlackHook>();
  private readonly now: () => Date;

  constructor(options: SandboxServerOptions = {}) {
    super(options);
    this.now = options.now ?? (() => new Date());
  }

  /** A new incoming webhook posting to `channel`; returns its URL (`<sandbox>/services/T…/B…/<secret>`). */
  createHook(channel = '#alerts'): { url: string; hook: SlackHook } {
    const hook: SlackHook = { team: `T${id(8)}`, id: `B${id(10)}`, secret: randomBytes(18).toString('base64url').replace(/[-_]/g, 'x').slice(0, 24), channel, state: 'active' };
    this.hooks.set(hook.id, hook);
    return { url: `${this.url}/services/${hook.team}/${hook.id}/${hook.secret}`, hook };
  }

  setHookState(hookId: string, state: SlackHookState): void {
    const hook = this.hooks.get(hookId);
    if (!hook) throw new Error(`no hook ${hookId}`);
    hook.state = state;
  }

  messagesFor(hookId: string): SlackMessage[] {
    return this.messages.filter((m) => m.hookId === hookId);
  }

  override reset(): void {
    super.reset();
    this.messages.length = 0;
    this.hooks.clear();
  }

  protected override faultResponse(status: number, retryAfter?: string): SandboxResponse {
    if (status === 429) return text(429, 'rate_limited', retryAfter ? { 'retry-after': retryAfter } : {});
    return text(status, status >= 500 ? 'internal_error' : 'invalid_payload', retryAfter ? { 'retry-after': retryAfter } : {});
  }

  protected handle(request: SandboxRequest): SandboxResponse {
    const match = PATH.exec(request.url.pathname);
    if (!match) return fail('no_service');
    if (request.method !== 'POST') return text(405, 'invalid_method');
    const hook = this.hooks.get(match[2]!);
    // A wrong secret for an existing hook id is indistinguishable from a removed hook, as in Slack.
    if (!hook || hook.team !== match[1] || hook.secret !== match[3] || hook.state === 'revoked') return fail('no_service');
    if (hook.state !== 'active') return fail(hook.state);

    const payload = parsePayload(request);
    if (!payload) return fail('invalid_payload');
    const { text: body, blocks } = payload;
    if (body !== undefined && typeof body !== 'string') return fail('invalid_payload');
    if (blocks !== undefined && (!Array.isArray(blocks) || blocks.length > MAX_BLOCKS || !blocks.every(isBlock))) return fail('invalid_blocks');
    if ((body === undefined || body === '') && (blocks === undefined || blocks.length === 0)) return fail('missing_text_or_fallback_or_attachments');
    this.messages.push({ at: this.now(), hookId: hook.id, channel: hook.channel, text: body, blocks: blocks as unknown[] | undefined });
    return text(200, 'ok');
  }
}

function parsePayload(request: SandboxRequest): Record<string, unknown> | undefined {
  const type = String(request.headers['content-type'] ?? '').toLowerCase();
  let json = request.body;
  if (type.startsWith('application/x-www-form-urlencoded')) json = new URLSearchParams(request.body).get('payload') ?? '';
  try {
    const value: unknown = JSON.parse(json);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function isBlock(value: unknown): boolean {
  return !!value && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string';
}

function id(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
}
