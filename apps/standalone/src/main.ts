import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { MemoryBroker, MemoryTransport } from '@junction/messaging';
import { applyMigrations, startEmbeddedPostgres } from '@junction/persistence';
import { ConfigError, onShutdownSignal, parseEnv, startApp, type RunningApp } from '@junction/platform';
import { redactUrl, startTelemetry } from '@junction/telemetry';
import { standaloneApps } from './apps';
import { standaloneEnvSchema } from './config/env';
import { startSandboxes, type RunningSandbox } from './sandboxes';

/**
 * `npm start`: all seven apps in one process on the memory bus, embedded Postgres unless DATABASE_URL is
 * set, the ERPNext sandbox unless ERPNext credentials are set. Same modules, same code paths as distributed
 * mode; only the transport and where Postgres runs differ.
 */
async function main(): Promise<void> {
  const startedAt = Date.now();
  const env = parseEnv(standaloneEnvSchema, process.env, 'junction');
  const dataDir = resolve(env.JUNCTION_DATA_DIR);
  const embedded = env.DATABASE_URL ? undefined : await startEmbeddedPostgres({ dataDir: join(dataDir, 'postgres') });
  const databaseUrl = env.DATABASE_URL ?? embedded!.url;
  const { applied } = await applyMigrations(databaseUrl);
  const telemetry = startTelemetry({ serviceName: 'junction', otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT });
  const apiKey = env.JUNCTION_API_KEY ?? randomBytes(18).toString('base64url');

  const broker = new MemoryBroker();
  const running: RunningApp[] = [];
  const sandboxes: RunningSandbox[] = [];
  const stopAll = async () => {
    for (const app of running.reverse()) await app.stop();
    await Promise.all(sandboxes.map((s) => s.stop()));
    await telemetry.shutdown();
    await embedded?.stop();
  };
  onShutdownSignal(env.SHUTDOWN_TIMEOUT_MS, stopAll);

  sandboxes.push(...(await startSandboxes(env.JUNCTION_PORT_OFFSET)));
  for (const definition of standaloneApps) {
    const appEnv = parseEnv(
      definition.envSchema,
      { ...process.env, BUS: 'memory', DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: String(env.DATABASE_POOL_MAX), JUNCTION_API_KEY: apiKey, PORT: String(definition.defaultPort + env.JUNCTION_PORT_OFFSET) },
      definition.name,
    );
    running.push(await startApp(definition, appEnv as never, { bus: new MemoryTransport(broker) }));
  }

  const ingress = running.find((r) => r.name === 'webhook-ingress')!;
  const lines = [
    '',
    `Junction is ready in ${Date.now() - startedAt} ms (standalone: memory bus, ${embedded ? `embedded Postgres in ${join(dataDir, 'postgres')}` : redactUrl(databaseUrl)}; ${applied.length} migration(s) applied)`,
    '',
    ...[...running].sort((a, b) => a.url.localeCompare(b.url)).map((r) => `  ${r.name.padEnd(20)} ${r.url}/health/ready`),
    '',
    'Provider sandboxes (fakes with fault injection):',
    ...sandboxes.map((s) => `  ${s.name.padEnd(20)} ${s.url}`),
    '',
    'Send a first command:',
    `  curl -s -X POST ${ingress.url}/commands \\`,
    `    -H 'authorization: Bearer ${apiKey}' -H 'content-type: application/json' \\`,
    `    -d '{"type":"erp.customer.create","payload":{"customerName":"Acme GmbH","customerType":"Company"}}'`,
    'and see the Customer it created in the ERPNext sandbox:',
    `  curl -s -H 'authorization: token sandbox-key:sandbox-secret' 'http://127.0.0.1:8000/api/resource/Customer?fields=["name","customer_type"]'`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `junction: failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(error instanceof ConfigError ? 78 : 1);
});
