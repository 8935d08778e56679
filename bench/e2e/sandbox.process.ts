/**
 * The ERPNext sandbox in its own process (forked by run.ts with an IPC channel), so its CPU is measured apart
 * from the workers' and it never competes with them for one event loop. No faults, no added latency.
 * IPC: parent sends 'reset' (forget documents and request log between configurations: the list endpoint scans
 * every Customer, so a sandbox that kept growing would slow later configurations) or 'count'; the child
 * answers { ready: url } once, then { reset: true } / { customers: n }.
 */
import { ErpNextSandbox } from '@junction/connectors/erpnext';

export const SANDBOX_KEY = 'bench-key';
export const SANDBOX_SECRET = 'bench-secret';

async function main(): Promise<void> {
  const sandbox = new ErpNextSandbox({ apiKey: SANDBOX_KEY, apiSecret: SANDBOX_SECRET });
  const { url } = await sandbox.start(0, '127.0.0.1');
  process.on('message', (message: unknown) => {
    if (message === 'reset') {
      sandbox.reset();
      process.send!({ reset: true });
    } else if (message === 'count') {
      process.send!({ customers: sandbox.ledger.length });
    }
  });
  process.on('disconnect', () => void sandbox.stop().then(() => process.exit(0)));
  process.send!({ ready: url });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
