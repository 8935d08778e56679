import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres.runner';

jest.setTimeout(120_000);

async function query<T extends object>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

describe('startEmbeddedPostgres', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'junction-embedded-'));
    // As root, postgres runs as the `postgres` user, which must be able to reach the data directories inside.
    await chmod(dir, 0o755);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('starts on a free port with a `junction` database, and keeps data across stop and restart', async () => {
    const dataDir = join(dir, 'pg');
    const first = await startEmbeddedPostgres({ dataDir });
    try {
      expect(first.port).not.toBe(5432);
      expect(first.url).toBe(`postgresql://postgres:junction@127.0.0.1:${first.port}/junction`);
      await query(first.url, 'CREATE TABLE survivor (id int PRIMARY KEY, note text)');
      await query(first.url, 'INSERT INTO survivor VALUES (1, $1)', ['written before restart']);
    } finally {
      await first.stop();
    }
    await expect(query(first.url, 'SELECT 1')).rejects.toThrow();

    const second = await startEmbeddedPostgres({ dataDir });
    try {
      expect(await query(second.url, 'SELECT note FROM survivor')).toEqual([{ note: 'written before restart' }]);
    } finally {
      await second.stop();
    }
  });

  it('runs two clusters side by side on different ports', async () => {
    const [a, b] = await Promise.all([
      startEmbeddedPostgres({ dataDir: join(dir, 'a'), database: 'alpha' }),
      startEmbeddedPostgres({ dataDir: join(dir, 'b'), database: 'beta' }),
    ]);
    try {
      expect(a.port).not.toBe(b.port);
      expect(await query(a.url, 'SELECT current_database() AS db')).toEqual([{ db: 'alpha' }]);
      expect(await query(b.url, 'SELECT current_database() AS db')).toEqual([{ db: 'beta' }]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('fails loudly when the requested port is taken', async () => {
    const first = await startEmbeddedPostgres({ dataDir: join(dir, 'c') });
    try {
      await expect(startEmbeddedPostgres({ dataDir: join(dir, 'd'), port: first.port })).rejects.toThrow(/did not start/);
    } finally {
      await first.stop();
    }
  });
});
