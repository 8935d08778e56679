import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * `<data dir>/standalone.json`: how another process on this machine (the `junction` CLI) reaches the database of
 * a running standalone Junction. Mode 0600: the URL carries the embedded Postgres password.
 */
const instanceSchema = z.object({
  databaseUrl: z.string().min(1),
  pid: z.number().int().positive(),
  startedAt: z.string(),
});
export type StandaloneInstance = z.infer<typeof instanceSchema>;

export function instanceFilePath(dataDir: string): string {
  return join(dataDir, 'standalone.json');
}

/** Writes the file atomically (rename) and returns the function that removes it again, if it is still ours. */
export async function writeInstanceFile(dataDir: string, instance: StandaloneInstance): Promise<() => Promise<void>> {
  const path = instanceFilePath(dataDir);
  await mkdir(dataDir, { recursive: true });
  const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, `${JSON.stringify(instance, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  await rename(temporary, path);
  return async () => {
    const current = await readInstanceFile(dataDir, () => true);
    if (current?.pid === instance.pid) await rm(path, { force: true });
  };
}

/**
 * The running instance, or undefined when there is no file, it is unreadable, or its process is gone (a
 * standalone that was killed cannot delete its file).
 */
export async function readInstanceFile(dataDir: string, isAlive: (pid: number) => boolean = processIsAlive): Promise<StandaloneInstance | undefined> {
  let text: string;
  try {
    text = await readFile(instanceFilePath(dataDir), 'utf8');
  } catch {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const result = instanceSchema.safeParse(parsed);
  return result.success && isAlive(result.data.pid) ? result.data : undefined;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: unknown) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
