import type { ConnectionView, IntegrationTypeView } from '@junction/integrations';
import { UsageError } from '../cli-errors';
import type { CommandCall, CommandOutput, CommandSpec, OptionSpec } from './command';
import { connectionDetails, connectionTable, healthLines, healthTable, integrationTypeTable, logLines, testLines } from './connections.format';

/** Secrets never come as a flag value (shell history, ps): only from a named variable or stdin, as a JSON object. */
const CREDENTIAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  'credential-env': { type: 'string', value: 'VAR', help: 'read the credential (a JSON object, e.g. {"apiKey":"…","apiSecret":"…"}) from environment variable VAR' },
  'credential-stdin': { type: 'boolean', help: 'read the credential (a JSON object) from stdin' },
};

/**
 * The credential from --credential-env or --credential-stdin, parsed as JSON. Errors name the source, never the
 * content (a JSON parse error message may quote the text).
 */
export async function readCredential(call: CommandCall, required: boolean): Promise<unknown> {
  const { args } = call;
  const name = args.string('credential-env');
  const stdin = args.flag('credential-stdin');
  if (name !== undefined && stdin) throw new UsageError('give the credential once: --credential-env VAR or --credential-stdin');
  let text: string | undefined;
  let source = '';
  if (name !== undefined) {
    text = call.readVariable(name);
    source = `--credential-env ${name}`;
    if (!text) throw new UsageError(`${source}: the variable is not set or empty`);
  } else if (stdin) {
    text = (await call.readStdin()).trim();
    source = '--credential-stdin';
    if (!text) throw new UsageError(`${source}: stdin held no credential`);
  }
  if (text === undefined) {
    if (required) throw new UsageError('give the credential: --credential-env VAR or --credential-stdin (a JSON object; never as a flag value)');
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UsageError(`${source}: the credential is not valid JSON (expected an object such as {"token":"…"})`);
  }
}

const viewOutput = (view: ConnectionView, lead: string[] = []): CommandOutput => ({ json: view, text: [...lead, ...connectionDetails(view)] });

export const connectionCommands: readonly CommandSpec[] = [
  {
    group: 'connections',
    name: 'add',
    summary: 'create a connection (credential only from --credential-env or --credential-stdin; never printed)',
    options: {
      type: { type: 'string', required: true, value: 'SLUG', help: 'integration type (junction integration-types list)' },
      name: { type: 'string', required: true, value: 'NAME', help: 'unique per tenant' },
      auth: { type: 'string', value: 'METHOD', help: 'api_key | oauth2 | basic | bearer | jwt | none (default: the type’s first)' },
      config: { type: 'string', value: 'JSON', help: 'settings, e.g. {"baseUrl":"https://erp.example.com"}' },
      ...CREDENTIAL_OPTIONS,
      'credential-expires-at': { type: 'string', value: 'ISO', help: 'when the credential expires (shown only)' },
      default: { type: 'boolean', help: 'make it the tenant’s default connection of its type' },
      'not-default': { type: 'boolean', help: 'do not make it the default even if it is the first of its type' },
    },
    async run(call) {
      const { args } = call;
      if (args.flag('default') && args.flag('not-default')) throw new UsageError('--default and --not-default exclude each other');
      const input: Record<string, unknown> = {
        type: args.string('type'),
        name: args.string('name'),
        authMethod: args.string('auth'),
        config: args.json('config', 'the config'),
        credential: await readCredential(call, false),
        credentialExpiresAt: args.string('credential-expires-at'),
        isDefault: args.flag('default') ? true : args.flag('not-default') ? false : undefined,
      };
      const view = await (await call.runtime.connections()).create(call.actor, Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)));
      const next = view.authMethod === 'oauth2' ? `Next: open GET /oauth/${view.id}/authorize on webhook-ingress in a browser.` : `Next: junction connections test ${view.id}`;
      return viewOutput(view, ['Created.', next, '']);
    },
  },
  {
    group: 'connections',
    name: 'list',
    summary: 'the tenant’s connections',
    options: { type: { type: 'string', value: 'SLUG', help: 'only this integration type' }, status: { type: 'string', value: 'S', help: 'configuring | connected | error | disconnected | reauth_required' } },
    async run(call) {
      const query = Object.fromEntries(Object.entries({ type: call.args.string('type'), status: call.args.string('status') }).filter(([, v]) => v !== undefined));
      const views = await (await call.runtime.connections()).list(call.actor, query);
      return { json: views, text: connectionTable(views) };
    },
  },
  {
    group: 'connections',
    name: 'show',
    summary: 'one connection (never its credential)',
    positionals: ['id'],
    async run(call) {
      return viewOutput(await (await call.runtime.connections()).get(call.actor, call.args.positionals[0]!));
    },
  },
  {
    group: 'connections',
    name: 'test',
    summary: 'run the connection test (recorded as a health row and a tested event)',
    positionals: ['id'],
    options: { connect: { type: 'boolean', help: 'also mark it connected (or error), like POST …/connect' } },
    async run(call) {
      const service = await call.runtime.connections();
      const id = call.args.positionals[0]!;
      if (call.args.flag('connect')) {
        const result = await service.connect(call.actor, id);
        return { json: result, text: [...testLines(result.test), '', ...connectionDetails(result.connection)] };
      }
      const result = await service.test(call.actor, id);
      return { json: result, text: testLines(result) };
    },
  },
  {
    group: 'connections',
    name: 'logs',
    summary: 'the connection’s event log, newest first (--health: its test results)',
    positionals: ['id'],
    options: {
      limit: { type: 'string', value: 'N', help: 'rows (default 50; health 100)' },
      before: { type: 'string', value: 'ISO', help: 'older than this (paging)' },
      health: { type: 'boolean', help: 'show the health checks with uptime and p50/p95 latency instead' },
    },
    async run(call) {
      const service = await call.runtime.connections();
      const id = call.args.positionals[0]!;
      const limit = call.args.string('limit');
      if (call.args.flag('health')) {
        const health = await service.health(call.actor, id, limit === undefined ? {} : { limit });
        return { json: health, text: healthLines(health) };
      }
      const logs = await service.logs(call.actor, id, Object.fromEntries(Object.entries({ limit, before: call.args.string('before') }).filter(([, v]) => v !== undefined)));
      return { json: logs, text: logLines(logs) };
    },
  },
  {
    group: 'connections',
    name: 'health',
    summary: 'health status (healthy | degraded | down | unknown) of every connection, or of one with its reasons and checks',
    optionalPositionals: ['id'],
    options: { limit: { type: 'string', value: 'N', help: 'checks shown for one connection (default 100)' } },
    async run(call) {
      const service = await call.runtime.connections();
      const [id] = call.args.positionals;
      if (id === undefined) {
        const overview = await service.healthOverview(call.actor);
        return { json: overview, text: healthTable(overview) };
      }
      const limit = call.args.string('limit');
      const health = await service.health(call.actor, id, limit === undefined ? {} : { limit });
      return { json: health, text: healthLines(health) };
    },
  },
  {
    group: 'connections',
    name: 'disconnect',
    summary: 'stop workers from using it (OAuth tokens are revoked)',
    positionals: ['id'],
    async run(call) {
      return viewOutput(await (await call.runtime.connections()).disconnect(call.actor, call.args.positionals[0]!));
    },
  },
  {
    group: 'connections',
    name: 'rotate-credential',
    summary: 'replace the credential without downtime (from --credential-env or --credential-stdin)',
    positionals: ['id'],
    options: { ...CREDENTIAL_OPTIONS, 'expires-at': { type: 'string', value: 'ISO', help: 'when the new credential expires' } },
    async run(call) {
      const credential = await readCredential(call, true);
      const expiresAt = call.args.string('expires-at');
      const view = await (await call.runtime.connections()).rotateCredential(call.actor, call.args.positionals[0]!, { credential, ...(expiresAt === undefined ? {} : { expiresAt }) });
      return viewOutput(view, ['Rotated: the next call uses the new credential; the old one is deleted.', '']);
    },
  },
  {
    group: 'connections',
    name: 'remove',
    summary: 'delete the connection with its credential, events and health rows',
    positionals: ['id'],
    async run(call) {
      const [id] = call.args.positionals;
      await (await call.runtime.connections()).remove(call.actor, id!);
      return { json: { id, removed: true }, text: [`Removed connection ${id} and its credential.`] };
    },
  },
  {
    group: 'integration-types',
    name: 'list',
    summary: 'the integration catalog (search by text, kind, category)',
    optionalPositionals: ['query'],
    options: { kind: { type: 'string', value: 'K', help: 'mcp | vendor | custom' }, category: { type: 'string', value: 'C', help: 'erp, crm, social, commerce, devtools …' } },
    async run(call) {
      const types: IntegrationTypeView[] = await (await call.runtime.catalog()).search({ q: call.args.positionals[0], kind: call.args.string('kind'), category: call.args.string('category') });
      return { json: types, text: integrationTypeTable(types) };
    },
  },
];
