import { ApiKeyScopes, type ApiKeyScope } from '@junction/webhooks';
import { UsageError } from '../cli-errors';
import type { CommandSpec } from './command';
import { apiKeyDetails, apiKeyTable } from './output.format';

export const apiKeyCommands: readonly CommandSpec[] = [
  {
    group: 'api-keys',
    name: 'create',
    summary: 'create an API key for the admin API and/or POST /commands; prints the key once',
    options: {
      name: { type: 'string', required: true, value: 'N', help: 'what the key is for' },
      scope: { type: 'string', multiple: true, value: 'S', help: `${ApiKeyScopes.join(' | ')} (repeatable; default admin)` },
      'mcp-tool': { type: 'string', multiple: true, value: 'G', help: 'an MCP tool (glob, e.g. erp_customer_*) this key may list and call on mcp-gateway (repeatable; default every tool)' },
    },
    async run(call) {
      const scopes = call.args.strings('scope');
      const unknown = scopes.filter((s) => !(ApiKeyScopes as readonly string[]).includes(s));
      if (unknown.length > 0) throw new UsageError(`--scope: ${unknown.join(', ')} is not one of ${ApiKeyScopes.join(', ')}`);
      const { key, view } = await (await call.runtime.apiKeys()).create(call.actor, {
        name: call.args.string('name')!,
        scopes: scopes.length > 0 ? (scopes as ApiKeyScope[]) : ['admin'],
        ...(call.args.strings('mcp-tool').length > 0 ? { mcpTools: call.args.strings('mcp-tool') } : {}),
      });
      return {
        json: { key, ...view },
        text: ['API key created. It is shown only this once; Junction keeps only its hash:', '', `  ${key}`, '', ...apiKeyDetails(view), '', 'Use it as: authorization: Bearer <key>'],
      };
    },
  },
  {
    group: 'api-keys',
    name: 'list',
    summary: 'the tenant’s API keys (never the keys themselves)',
    async run(call) {
      const views = await (await call.runtime.apiKeys()).list(call.actor);
      return { json: views, text: apiKeyTable(views) };
    },
  },
  {
    group: 'api-keys',
    name: 'revoke',
    summary: 'revoke a key at once (idempotent)',
    positionals: ['id'],
    async run(call) {
      const view = await (await call.runtime.apiKeys()).revoke(call.actor, call.args.positionals[0]!);
      return { json: view, text: [`Revoked API key ${view.id} (${view.name}).`] };
    },
  },
];
