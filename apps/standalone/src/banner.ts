import type { RunningSandbox } from './sandboxes';

export interface BannerFacts {
  readyMs: number;
  database: string;
  migrationsApplied: number;
  apps: ReadonlyArray<{ name: string; url: string }>;
  sandboxes: readonly RunningSandbox[];
  ingressUrl: string;
  apiKey: string;
  /** False when JUNCTION_API_KEY is not a `jk_` key: /commands accepts it, the admin API does not. */
  apiKeyWorksForAdmin: boolean;
  /** Where the key-encryption key comes from, for the user to back it up. */
  kek: string;
  /** Prefix the CLI needs to find this instance (`JUNCTION_DATA_DIR=… ` when not the default). */
  cliEnvPrefix: string;
}

/** What `npm start` prints once every app answers: where things are, and two first things to do. */
export function readyBanner(facts: BannerFacts): string {
  const auth = `-H 'authorization: Bearer ${facts.apiKey}'`;
  const lines = [
    '',
    `Junction is ready in ${facts.readyMs} ms (standalone: memory bus, ${facts.database}; ${facts.migrationsApplied} migration(s) applied)`,
    '',
    ...[...facts.apps].sort((a, b) => a.url.localeCompare(b.url)).map((r) => `  ${r.name.padEnd(20)} ${r.url}/health/ready`),
    '',
    'Provider sandboxes (fakes with fault injection):',
    ...facts.sandboxes.map((s) => `  ${s.name.padEnd(20)} ${s.url}`),
    '',
    `Secrets are encrypted with the key ring in ${facts.kek}: back it up with the database.`,
    '',
    'Send a first command:',
    `  curl -s -X POST ${facts.ingressUrl}/commands \\`,
    `    ${auth} -H 'content-type: application/json' \\`,
    `    -d '{"type":"erp.customer.create","payload":{"customerName":"Acme GmbH","customerType":"Company"}}'`,
    'and see the Customer it created in the ERPNext sandbox:',
    `  curl -s -H 'authorization: token sandbox-key:sandbox-secret' 'http://127.0.0.1:8000/api/resource/Customer?fields=["name","customer_type"]'`,
    '',
    'Create a webhook endpoint (the answer names the URL to give the provider):',
    ...(facts.apiKeyWorksForAdmin
      ? [
          `  curl -s -X POST ${facts.ingressUrl}/admin/webhook-endpoints \\`,
          `    ${auth} -H 'content-type: application/json' \\`,
          `    -d '{"id":"my-shop","provider":"shopify","scheme":"shopify","secrets":["<the app client secret>"]}'`,
          'or with the CLI (reads the secret from stdin, so it stays out of your shell history):',
        ]
      : ['  (this key does not work for the admin API: unset JUNCTION_API_KEY for one that does, or create one with `npm run junction -- api-keys create --name me --scope admin`)', 'with the CLI:']),
    `  ${facts.cliEnvPrefix}npm run junction -- endpoints add --id my-shop --provider shopify --scheme shopify --secret-stdin`,
    '',
    `Connect a provider account: ${facts.cliEnvPrefix}npm run junction -- integration-types list, then … connections add --help`,
    `The admin API, documented: ${facts.ingressUrl}/docs`,
    '',
  ];
  return `${lines.join('\n')}\n`;
}
