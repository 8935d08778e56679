import { readFile } from 'node:fs/promises';
import { shopifyOrdersCreateRoute } from '@junction/webhooks';
import { UsageError } from '../cli-errors';
import type { CommandCall } from './command';

/** `--example-route NAME`: route rules to start from (see libs/webhooks/src/routing/examples). */
export const EXAMPLE_ROUTES: Readonly<Record<string, unknown>> = {
  'shopify-orders-to-erp': shopifyOrdersCreateRoute,
};

const LARGE = 1_000_000_000;

/**
 * `endpoints add` flags → the service's create input. Only what the flags cannot express is checked here
 * (both --rate and --burst, readable files, JSON); ranges and rules are the service's (VALIDATION_FAILED).
 */
export async function endpointCreateInput(call: CommandCall): Promise<Record<string, unknown>> {
  const { args } = call;
  const rate = args.number('rate', { min: 0, max: LARGE });
  const burst = args.int('burst', { min: 0, max: LARGE });
  if ((rate === undefined) !== (burst === undefined)) throw new UsageError('--rate and --burst go together (requests per second, and the burst above it)');
  const routes = [...(await routeFile(args.string('route-file'))), ...args.strings('example-route').map(exampleRoute)];
  const input: Record<string, unknown> = {
    id: args.string('id'),
    provider: args.string('provider'),
    scheme: args.string('scheme'),
    schemeOptions: args.json('scheme-options', 'the scheme options'),
    secrets: await collectSecrets(call),
    description: args.string('description'),
    toleranceSeconds: args.int('tolerance', { min: 0, max: LARGE }),
    futureToleranceSeconds: args.int('future-tolerance', { min: 0, max: LARGE }),
    bodyLimitBytes: args.int('body-limit', { min: 0, max: LARGE }),
    rateLimit: rate === undefined ? undefined : { perSecond: rate, burst },
    routes: routes.length > 0 ? routes : undefined,
  };
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
}

/**
 * Secrets from `--secret X` (lands in shell history), `--secret-env VAR` and `--secret-stdin` (one per line), in
 * that order. None given is a usage error; a variable that is not set is named, its value never printed.
 */
export async function collectSecrets(call: CommandCall): Promise<string[]> {
  const { args } = call;
  const secrets = [...args.strings('secret')];
  for (const name of args.strings('secret-env')) {
    const value = call.readVariable(name);
    if (!value) throw new UsageError(`--secret-env ${name}: the variable is not set or empty`);
    secrets.push(value);
  }
  if (args.flag('secret-stdin')) {
    const lines = (await call.readStdin()).split(/\r?\n/).filter((line) => line !== '');
    if (lines.length === 0) throw new UsageError('--secret-stdin: stdin held no secret (one per line)');
    secrets.push(...lines);
  }
  if (secrets.length === 0) throw new UsageError('give a secret: --secret X, --secret-env VAR, or --secret-stdin');
  return secrets;
}

async function routeFile(path: string | undefined): Promise<unknown[]> {
  if (path === undefined) return [];
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error: unknown) {
    throw new UsageError(`--route-file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error: unknown) {
    throw new UsageError(`--route-file ${path}: not valid JSON (${(error as Error).message})`);
  }
  // One route or a list of them; the service checks each against the route rule schema.
  return Array.isArray(parsed) ? parsed : [parsed];
}

function exampleRoute(name: string): unknown {
  const route = EXAMPLE_ROUTES[name];
  if (!route) throw new UsageError(`--example-route ${name}: no such example (${Object.keys(EXAMPLE_ROUTES).join(', ')})`);
  return route;
}
