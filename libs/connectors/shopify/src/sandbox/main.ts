/** Standalone Shopify sandbox for manual use: `PORT=8001 [HOST=0.0.0.0] node dist/.../main.js`. */
import { ShopifySandbox } from './shopify.sandbox';

async function main(): Promise<void> {
  const port = Number.parseInt(process.env.PORT ?? '8001', 10);
  const host = process.env.HOST ?? '127.0.0.1';
  const sandbox = new ShopifySandbox();
  sandbox.seedProducts(120);
  sandbox.seedOrders(30);
  const { url } = await sandbox.start(port, host);
  console.log(`Shopify sandbox listening on ${url}/admin/api/2025-01/ (X-Shopify-Access-Token: shpat_sandbox)`);
  const shutdown = () => void sandbox.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
