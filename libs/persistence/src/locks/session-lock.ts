import type { Pool, PoolClient } from 'pg';

export type Exclusive<T> = { acquired: true; value: T } | { acquired: false };

/**
 * Runs `work` on one dedicated pool connection that holds `pg_try_advisory_lock(hashtext(lockName))`, or resolves
 * `{ acquired: false }` at once when another session holds it: one runner at a time across replicas and processes
 * (retention runs, alert evaluation rounds). The lock belongs to that connection: if the process dies or the connection
 * drops, Postgres releases it. A connection whose lock or unlock failed is destroyed, never returned to the pool still
 * holding the lock.
 */
export async function withSessionLock<T>(pool: Pool, lockName: string, work: (client: PoolClient) => Promise<T>): Promise<Exclusive<T>> {
  const client = await pool.connect();
  // Set when the connection may still hold the lock (or is broken): it is then destroyed, not pooled.
  let destroy: Error | undefined;
  try {
    let acquired: boolean;
    try {
      acquired = (await client.query<{ acquired: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS acquired', [lockName])).rows[0]?.acquired === true;
    } catch (error: unknown) {
      destroy = error as Error;
      throw error;
    }
    if (!acquired) return { acquired: false };
    try {
      return { acquired: true, value: await work(client) };
    } finally {
      try {
        const { rows } = await client.query<{ released: boolean }>('SELECT pg_advisory_unlock(hashtext($1)) AS released', [lockName]);
        if (rows[0]?.released !== true) destroy = new Error(`advisory lock ${lockName} was not held at unlock`);
      } catch (error: unknown) {
        destroy = error as Error;
      }
    }
  } finally {
    client.release(destroy);
  }
}
