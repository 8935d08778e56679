import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { instanceFilePath, readInstanceFile, writeInstanceFile } from './instance-file';

describe('standalone.json', () => {
  let dataDir: string;
  const instance = { databaseUrl: 'postgresql://postgres:junction@127.0.0.1:5555/junction', pid: process.pid, startedAt: '2025-01-01T00:00:00.000Z' };
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'junction-instance-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is written 0600, read back while its process lives, and removed on stop', async () => {
    const remove = await writeInstanceFile(dataDir, instance);
    expect(statSync(instanceFilePath(dataDir)).mode & 0o777).toBe(0o600);
    expect(await readInstanceFile(dataDir)).toEqual(instance);

    await remove();
    expect(existsSync(instanceFilePath(dataDir))).toBe(false);
    expect(await readInstanceFile(dataDir)).toBeUndefined();
  });

  it('is ignored when the process that wrote it is gone, or when it is not ours', async () => {
    await writeInstanceFile(dataDir, instance);
    expect(await readInstanceFile(dataDir, () => false)).toBeUndefined();

    writeFileSync(instanceFilePath(dataDir), '{"databaseUrl":');
    expect(await readInstanceFile(dataDir)).toBeUndefined();
  });

  it('leaves a newer instance’s file alone when an older one stops', async () => {
    const removeOld = await writeInstanceFile(dataDir, { ...instance, pid: process.ppid });
    await writeInstanceFile(dataDir, instance);
    await removeOld();
    expect(await readInstanceFile(dataDir)).toEqual(instance);
  });
});
