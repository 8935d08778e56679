/** Standalone CRM (HubSpot v3) sandbox for manual use: `PORT=8003 [HOST=0.0.0.0] node dist/.../main.js`. */
import { CRM_SANDBOX_TOKEN, CrmSandbox } from './crm.sandbox';

async function main(): Promise<void> {
  const port = Number.parseInt(process.env.PORT ?? '8003', 10);
  const host = process.env.HOST ?? '127.0.0.1';
  const sandbox = new CrmSandbox();
  const { url } = await sandbox.start(port, host);
  console.log(`CRM sandbox listening on ${url} (Authorization: Bearer ${CRM_SANDBOX_TOKEN})`);
  const shutdown = () => void sandbox.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
