import 'reflect-metadata';
import { join, resolve } from 'node:path';
import { MemoryBroker, MemoryTransport } from '@junction/messaging';
import { applyMigrations, startEmbeddedPostgres } from '@junction/persistence';
import { ConfigError, onShutdownSignal, parseEnv, startApp, type AppDefinition, type BaseEnv, type RunningApp } from '@junction/platform';
import { redactUrl, startTelemetry } from '@junction/telemetry';
import { standaloneApiKey } from './api-key';
import { standaloneApps } from './apps';
import { readyBanner } from './banner';
import { standaloneEnvSchema } from './config/env';
import { writeInstanceFile } from './data-dir/instance-file';
import { readOrCreateKekFile } from './data-dir/kek-file';
import { runningWorkerSandboxes, startSandboxes, workerSandboxPorts, type RunningSandbox } from './sandboxes';

const DEFAULT_DATA_DIR = '.junction';

/**
 * `npm start`: all eight apps in one process on the memory bus, embedded Postgres unless DATABASE_URL is
 * set, the ERPNext sandbox unless ERPNext credentials are set. Same modules, same code paths as distributed
 * mode; only the transport and where Postgres runs differ.
 */
async function main(): Promise<void> {
  const startedAt = Date.now();
  const env = parseEnv(standaloneEnvSchema, process.env, 'junction');
  const dataDir = resolve(env.JUNCTION_DATA_DIR);
  const kek = env.JUNCTION_KEK ? { value: env.JUNCTION_KEK, source: 'JUNCTION_KEK' } : await localKek(dataDir);
  const embedded = env.DATABASE_URL ? undefined : await startEmbeddedPostgres({ dataDir: join(dataDir, 'postgres') });
  const databaseUrl = env.DATABASE_URL ?? embedded!.url;
  const { applied } = await applyMigrations(databaseUrl);
  const telemetry = startTelemetry({ serviceName: 'junction', otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT });
  // Registered before any app listens: the key works for the admin API from the first request.
  const apiKey = await standaloneApiKey(databaseUrl, env.TENANT_ID, env.JUNCTION_API_KEY);
  if (apiKey.warning) process.stderr.write(`junction: warning: ${apiKey.warning}\n`);

  const broker = new MemoryBroker();
  const running: RunningApp[] = [];
  const sandboxes: RunningSandbox[] = [];
  let removeInstanceFile: (() => Promise<void>) | undefined;
  const stopAll = async () => {
    // First: a CLI started from now on must not pick a database that is about to go away.
    await removeInstanceFile?.();
    for (const app of running.reverse()) await app.stop();
    await Promise.all(sandboxes.map((s) => s.stop()));
    await telemetry.shutdown();
    await embedded?.stop();
  };
  onShutdownSignal(env.SHUTDOWN_TIMEOUT_MS, stopAll);

  sandboxes.push(...(await startSandboxes(env.JUNCTION_PORT_OFFSET)));
  const sandboxPorts = { ...workerSandboxPorts(env.JUNCTION_PORT_OFFSET), ...process.env };
  for (const definition of standaloneApps) {
    const appEnv = parseEnv(
      definition.envSchema,
      {
        ...sandboxPorts,
        BUS: 'memory',
        DATABASE_URL: databaseUrl,
        DATABASE_POOL_MAX: String(env.DATABASE_POOL_MAX),
        JUNCTION_API_KEY: apiKey.key,
        JUNCTION_KEK: kek.value,
        PORT: String(definition.defaultPort + env.JUNCTION_PORT_OFFSET),
      },
      definition.name,
    );
    // Each app's env extends BaseEnv with settings of its own: the union of the eight definitions has no common E to infer.
    running.push(await startApp(definition as AppDefinition<BaseEnv>, appEnv, { bus: new MemoryTransport(broker, appEnv.BUS_MAX_MESSAGE_BYTES) }));
  }
  sandboxes.push(...(await runningWorkerSandboxes(sandboxPorts)));
  removeInstanceFile = await writeInstanceFile(dataDir, { databaseUrl, pid: process.pid, startedAt: new Date(startedAt).toISOString() });

  process.stdout.write(
    readyBanner({
      readyMs: Date.now() - startedAt,
      database: embedded ? `embedded Postgres in ${join(dataDir, 'postgres')}` : redactUrl(databaseUrl),
      migrationsApplied: applied.length,
      apps: running,
      sandboxes,
      ingressUrl: running.find((r) => r.name === 'webhook-ingress')!.url,
      apiKey: apiKey.key,
      apiKeyWorksForAdmin: apiKey.admin,
      kek: kek.source,
      cliEnvPrefix: env.JUNCTION_DATA_DIR === DEFAULT_DATA_DIR ? '' : `JUNCTION_DATA_DIR=${env.JUNCTION_DATA_DIR} `,
    }),
  );
}

/** JUNCTION_KEK is unset: the ring in the data dir, created on first start (the CLI reads the same file). */
async function localKek(dataDir: string): Promise<{ value: string; source: string }> {
  try {
    const file = await readOrCreateKekFile(dataDir);
    if (file.readableByOthers) process.stderr.write(`junction: warning: ${file.path} is readable by other users; chmod 600 it\n`);
    return { value: file.value, source: file.path };
  } catch (error: unknown) {
    throw new ConfigError(`junction: invalid configuration: ${join(dataDir, 'kek')}: ${(error as Error).message}`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `junction: failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(error instanceof ConfigError ? 78 : 1);
});
