import type { AlertChannelView } from '../../../metrics-aggregator/src/alert-delivery/alert-channel.types';
import { UsageError } from '../cli-errors';
import type { CommandCall, CommandSpec } from './command';
import { iso, table } from './output.format';

/**
 * One secret from `--<what>-env VAR` or `--<what>-stdin` (never a flag value: shell history, ps). Errors name the
 * source, never the content.
 */
async function readOneSecret(call: CommandCall, what: string, required: boolean): Promise<string | undefined> {
  const env = call.args.string(`${what}-env`);
  const stdin = call.args.flag(`${what}-stdin`);
  if (env !== undefined && stdin) throw new UsageError(`give the ${what} once: --${what}-env VAR or --${what}-stdin`);
  if (env !== undefined) {
    const value = call.readVariable(env)?.trim();
    if (!value) throw new UsageError(`--${what}-env ${env}: the variable is not set or empty`);
    return value;
  }
  if (stdin) {
    const value = (await call.readStdin()).trim();
    if (!value) throw new UsageError(`--${what}-stdin: stdin held no ${what}`);
    return value;
  }
  if (required) throw new UsageError(`give the ${what}: --${what}-env VAR or --${what}-stdin (never as a flag value)`);
  return undefined;
}

function channelTable(views: readonly AlertChannelView[]): string[] {
  if (views.length === 0) return ['No alert channels. Add one: junction alert-channels add-webhook | add-slack'];
  return table(['ID', 'NAME', 'KIND', 'ENABLED', 'TARGET', 'CREATED'], views.map((v) => [v.id, v.name, v.kind, v.enabled ? 'yes' : 'no', v.target, iso(v.createdAt)]));
}

const channelLines = (v: AlertChannelView) => [`id:       ${v.id}`, `name:     ${v.name}`, `kind:     ${v.kind}`, `target:   ${v.target}`, `enabled:  ${v.enabled ? 'yes' : 'no'}`];

export const alertChannelCommands: readonly CommandSpec[] = [
  {
    group: 'alert-channels',
    name: 'list',
    summary: 'the tenant’s alert channels (a Slack URL only masked, never a signing secret)',
    async run(call) {
      const views = await (await call.runtime.alertChannels()).list(call.actor);
      return { json: views, text: channelTable(views) };
    },
  },
  {
    group: 'alert-channels',
    name: 'add-webhook',
    summary: 'a webhook channel signed with Standard Webhooks (a whsec_ secret is generated unless given; shown once)',
    options: {
      name: { type: 'string', required: true, value: 'NAME', help: 'unique per tenant' },
      url: { type: 'string', required: true, value: 'URL', help: 'https (http only to localhost), e.g. https://ops.example.com/hooks/junction' },
      'secret-env': { type: 'string', value: 'VAR', help: 'use the whsec_… signing secret in environment variable VAR' },
      'secret-stdin': { type: 'boolean', help: 'read the whsec_… signing secret from stdin' },
      disabled: { type: 'boolean', help: 'create it disabled (nothing is delivered to it)' },
    },
    async run(call) {
      const secret = await readOneSecret(call, 'secret', false);
      const created = await (await call.runtime.alertChannels()).create(call.actor, {
        kind: 'webhook',
        name: call.args.string('name'),
        url: call.args.string('url'),
        ...(secret === undefined ? {} : { secret }),
        ...(call.args.flag('disabled') ? { enabled: false } : {}),
      });
      const text = ['Created.', ...channelLines(created.channel)];
      if (created.signingSecret) text.push('', `signing secret: ${created.signingSecret}`, 'Store it now in the receiver (Standard Webhooks verify): it is not shown again.');
      return { json: created, text: [...text, '', `Next: junction alert-channels test ${created.channel.id}`] };
    },
  },
  {
    group: 'alert-channels',
    name: 'add-slack',
    summary: 'a Slack incoming-webhook channel (the URL is a secret: from --url-env or --url-stdin)',
    options: {
      name: { type: 'string', required: true, value: 'NAME', help: 'unique per tenant' },
      'url-env': { type: 'string', value: 'VAR', help: 'the incoming-webhook URL (https://hooks.slack.com/services/…) from environment variable VAR' },
      'url-stdin': { type: 'boolean', help: 'read the incoming-webhook URL from stdin' },
      disabled: { type: 'boolean', help: 'create it disabled' },
    },
    async run(call) {
      const webhookUrl = await readOneSecret(call, 'url', true);
      const created = await (await call.runtime.alertChannels()).create(call.actor, {
        kind: 'slack',
        name: call.args.string('name'),
        webhookUrl,
        ...(call.args.flag('disabled') ? { enabled: false } : {}),
      });
      return { json: created, text: ['Created.', ...channelLines(created.channel), '', `Next: junction alert-channels test ${created.channel.id}`] };
    },
  },
  {
    group: 'alert-channels',
    name: 'test',
    summary: 'send a test message through the channel now and show the receiver’s answer',
    positionals: ['id'],
    async run(call) {
      const result = await (await call.runtime.alertChannels()).test(call.actor, call.args.positionals[0]!);
      const text = result.ok ? [`ok: HTTP ${result.status} in ${result.latencyMs} ms`] : [`FAILED: ${result.error ?? 'no answer'}${result.latencyMs ? ` (${result.latencyMs} ms)` : ''}`];
      return { json: result, text };
    },
  },
  {
    group: 'alert-channels',
    name: 'remove',
    summary: 'delete the channel with its sealed secret and its deliveries',
    positionals: ['id'],
    async run(call) {
      const [id] = call.args.positionals;
      await (await call.runtime.alertChannels()).remove(call.actor, id!);
      return { json: { id, removed: true }, text: [`Removed alert channel ${id}.`] };
    },
  },
];
