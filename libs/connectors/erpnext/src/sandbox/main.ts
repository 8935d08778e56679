/** Standalone ERPNext sandbox for manual use: `PORT=8000 [HOST=0.0.0.0] node dist/.../main.js`. */
import { ErpNextSandbox } from './erpnext.sandbox';

async function main(): Promise<void> {
  const port = Number.parseInt(process.env.PORT ?? '8000', 10);
  const host = process.env.HOST ?? '127.0.0.1';
  const sandbox = new ErpNextSandbox();
  const { url } = await sandbox.start(port, host);
  console.log(`ERPNext sandbox listening on ${url} (Authorization: token sandbox-key:sandbox-secret)`);
  const shutdown = () => void sandbox.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
