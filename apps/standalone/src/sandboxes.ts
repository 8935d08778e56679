import { CrmSandbox } from '@junction/connectors/crm';
import { LinkedInSandbox } from '@junction/connectors/linkedin';
import { RedditSandbox } from '@junction/connectors/reddit';
import { ShopifySandbox } from '@junction/connectors/shopify';
import type { SandboxServer } from '@junction/connectors/sandbox-kit';

/**
 * Provider sandboxes on fixed ports (plus JUNCTION_PORT_OFFSET), so a demo can talk to them before their
 * workers exist. ERPNext's (8000) is started by erp-worker itself when it has no credentials.
 */
const SANDBOXES: Array<{ name: string; port: number; create: () => SandboxServer }> = [
  { name: 'shopify', port: 8001, create: () => new ShopifySandbox() },
  { name: 'reddit', port: 8002, create: () => new RedditSandbox() },
  { name: 'crm', port: 8003, create: () => new CrmSandbox() },
  { name: 'linkedin', port: 8004, create: () => new LinkedInSandbox() },
];

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
