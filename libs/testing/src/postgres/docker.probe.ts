import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const PROBE_TIMEOUT_MS = 5_000;

/** Places a Docker-compatible engine exposes its socket when DOCKER_HOST is unset. */
function socketCandidates(): string[] {
  const home = homedir();
  const runtimeDir = process.env.XDG_RUNTIME_DIR;
  return [
    '/var/run/docker.sock',
    join(home, '.docker', 'run', 'docker.sock'),
    join(home, '.docker', 'desktop', 'docker.sock'),
    ...(runtimeDir ? [join(runtimeDir, 'docker.sock'), join(runtimeDir, 'podman', 'podman.sock')] : []),
    ...(process.getuid ? [`/run/user/${process.getuid()}/docker.sock`] : []),
  ];
}

/**
 * True when a container engine answers. Cheap when there is none (no DOCKER_HOST, no testcontainers config, no
 * socket on disk: we never load testcontainers); otherwise testcontainers' own runtime detection decides, bounded
 * by a timeout so a wedged daemon cannot hang a test run.
 */
export async function dockerAvailable(timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  const configured =
    Boolean(process.env.DOCKER_HOST) ||
    existsSync(join(homedir(), '.testcontainers.properties')) ||
    socketCandidates().some((path) => existsSync(path));
  if (!configured) return false;

  const { getContainerRuntimeClient } = await import('testcontainers');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([getContainerRuntimeClient().then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
