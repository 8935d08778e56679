import type { EndpointView } from '@junction/webhooks';
import { UsageError } from '../cli-errors';
import type { CommandCall, CommandOutput, CommandSpec, OptionSpec } from './command';
import { collectSecrets, EXAMPLE_ROUTES, endpointCreateInput } from './endpoint-input';
import { endpointDetails, endpointTable } from './output.format';

const SECRET_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  secret: { type: 'string', multiple: true, value: 'X', help: 'signing secret (repeatable; lands in shell history, prefer the next two)' },
  'secret-env': { type: 'string', multiple: true, value: 'VAR', help: 'read a secret from environment variable VAR (repeatable)' },
  'secret-stdin': { type: 'boolean', help: 'read secrets from stdin, one per line' },
};

const viewOutput = (view: EndpointView, lead: string[] = []): CommandOutput => ({ json: view, text: [...lead, ...endpointDetails(view)] });

async function setDisabled(call: CommandCall, disabled: boolean): Promise<CommandOutput> {
  const [id] = call.args.positionals;
  const view = await (await call.runtime.endpoints()).update(call.actor, id!, { disabled });
  return viewOutput(view);
}

export const endpointCommands: readonly CommandSpec[] = [
  {
    group: 'endpoints',
    name: 'add',
    summary: 'create a webhook endpoint; prints it and the URL path to give the provider (never a secret)',
    options: {
      provider: { type: 'string', required: true, value: 'P', help: 'the URL’s :provider segment (stripe, github, shopify, …)' },
      scheme: { type: 'string', required: true, value: 'S', help: 'stripe | github | shopify | slack | standard-webhooks | frappe | generic-hmac' },
      ...SECRET_OPTIONS,
      id: { type: 'string', value: 'ID', help: 'the URL’s :endpointId segment (default: a random uuid)' },
      description: { type: 'string', value: 'D', help: 'free text' },
      tolerance: { type: 'string', value: 'SECONDS', help: 'accepted age of a signed timestamp (default 300)' },
      'future-tolerance': { type: 'string', value: 'SECONDS', help: 'accepted clock skew into the future (default 60)' },
      'body-limit': { type: 'string', value: 'BYTES', help: 'largest accepted body (default 262144)' },
      rate: { type: 'string', value: 'N', help: 'requests per second (with --burst)' },
      burst: { type: 'string', value: 'N', help: 'burst above the rate (with --rate)' },
      'scheme-options': { type: 'string', value: 'JSON', help: 'generic-hmac settings, e.g. {"signatureHeader":"x-sig","algorithm":"sha256","encoding":"hex"}' },
      'route-file': { type: 'string', value: 'FILE', help: 'JSON file with a route rule or a list of them' },
      'example-route': { type: 'string', multiple: true, value: 'NAME', help: `add an example route: ${Object.keys(EXAMPLE_ROUTES).join(', ')}` },
    },
    async run(call) {
      const input = await endpointCreateInput(call);
      const view = await (await call.runtime.endpoints()).create(call.actor, input);
      return viewOutput(view, ['Created. Give the provider this URL path on your webhook-ingress base URL, and the secret you passed.', '']);
    },
  },
  {
    group: 'endpoints',
    name: 'list',
    summary: 'the tenant’s webhook endpoints',
    async run(call) {
      const views = await (await call.runtime.endpoints()).list(call.actor);
      return { json: views, text: endpointTable(views) };
    },
  },
  {
    group: 'endpoints',
    name: 'show',
    summary: 'one endpoint with its secrets (ids and dates only)',
    positionals: ['id'],
    async run(call) {
      return viewOutput(await (await call.runtime.endpoints()).get(call.actor, call.args.positionals[0]!));
    },
  },
  {
    group: 'endpoints',
    name: 'rotate-secret',
    summary: 'add a new signing secret; the previous ones keep verifying until they expire',
    positionals: ['id'],
    options: {
      ...SECRET_OPTIONS,
      'expire-previous-after': { type: 'string', value: 'SECONDS|never', help: 'when the previous secrets stop verifying (default 86400; 0: now)' },
    },
    async run(call) {
      const secrets = await collectSecrets(call);
      if (secrets.length !== 1) throw new UsageError(`rotate-secret takes exactly one new secret (got ${secrets.length})`);
      const expire = call.args.string('expire-previous-after');
      const view = await (await call.runtime.endpoints()).addSecret(call.actor, call.args.positionals[0]!, {
        secret: secrets[0],
        ...(expire === undefined ? {} : { expirePreviousAfterSeconds: expire === 'never' ? null : call.args.int('expire-previous-after', { min: 0, max: 1_000_000_000 }) }),
      });
      const added = [...view.secrets].sort((a, b) => new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime()).at(-1);
      return viewOutput(view, [`Added secret ${added?.id ?? '?'}. Configure it at the provider; then remove the old one (or let it expire).`, '']);
    },
  },
  {
    group: 'endpoints',
    name: 'remove-secret',
    summary: 'delete one secret now (not the last active one)',
    positionals: ['id', 'secret-id'],
    async run(call) {
      const [id, secretId] = call.args.positionals;
      return viewOutput(await (await call.runtime.endpoints()).removeSecret(call.actor, id!, secretId!));
    },
  },
  { group: 'endpoints', name: 'disable', summary: 'refuse deliveries to the endpoint (kept, with its secrets)', positionals: ['id'], run: (call) => setDisabled(call, true) },
  { group: 'endpoints', name: 'enable', summary: 'accept deliveries again', positionals: ['id'], run: (call) => setDisabled(call, false) },
  {
    group: 'endpoints',
    name: 'remove',
    summary: 'delete the endpoint and its secrets',
    positionals: ['id'],
    async run(call) {
      const [id] = call.args.positionals;
      await (await call.runtime.endpoints()).remove(call.actor, id!);
      return { json: { id, removed: true }, text: [`Removed webhook endpoint ${id} and its secrets.`] };
    },
  },
];
