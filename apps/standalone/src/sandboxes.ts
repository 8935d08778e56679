import { ShopifySandbox } from '@junction/connectors/shopify';
import type { SandboxServer } from '@junction/connectors/sandbox-kit';

/**
 * Sandboxes of providers no worker calls, on fixed ports (plus JUNCTION_PORT_OFFSET), so a demo can send their
 * webhooks. Each worker starts its own provider's sandbox in-process when it has no credentials (WORKER_SANDBOX_PORTS).
 */
const SANDBOXES: Array<{ name: string; port: number; create: () => SandboxServer }> = [{ name: 'shopify', port: 8001, create: () => new ShopifySandbox() }];

/** The workers' in-process sandboxes: name, port variable and default port (moved by JUNCTION_PORT_OFFSET). */
const WORKER_SANDBOXES = [
  { name: 'erpnext', variable: 'ERPNEXT_SANDBOX_PORT', port: 8000 },
  { name: 'reddit', variable: 'REDDIT_SANDBOX_PORT', port: 8002 },
  { name: 'crm', variable: 'CRM_SANDBOX_PORT', port: 8003 },
  { name: 'linkedin', variable: 'LINKEDIN_SANDBOX_PORT', port: 8004 },
] as const;

/** The port variables that place the workers' sandboxes (an operator's own value wins). */
export function workerSandboxPorts(portOffset: number): Record<string, string> {
  return Object.fromEntries(WORKER_SANDBOXES.map(({ variable, port }) => [variable, String(port + portOffset)]));
}

/** The workers' sandboxes that are up (a worker with credentials starts none), for the banner; each worker stops its own. */
export async function runningWorkerSandboxes(env: Record<string, string | undefined>): Promise<RunningSandbox[]> {
  const found = await Promise.all(
    WORKER_SANDBOXES.map(async ({ name, variable }) => {
      const url = `http://127.0.0.1:${env[variable]}`;
      const up = await fetch(url, { signal: AbortSignal.timeout(1_000) }).then(
        () => true,
        () => false,
      );
      return up ? [{ name, url, stop: async () => undefined }] : [];
    }),
  );
  return found.flat();
}

export interface RunningSandbox {
  name: string;
  url: string;
  stop(): Promise<void>;
}

export async function startSandboxes(portOffset: number): Promise<RunningSandbox[]> {
  return Promise.all(
    SANDBOXES.map(async ({ name, port, create }) => {
      const sandbox = create();
      const { url } = await sandbox.start(port + portOffset);
      return { name, url, stop: () => sandbox.stop() };
    }),
  );
}
