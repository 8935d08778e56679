/** Standalone Shopify sandbox for manual use: `PORT=8001 [HOST=0.0.0.0] node dist/.../main.js`. */
import { runSandbox } from '@junction/connectors/sandbox-kit';
import { ShopifySandbox } from './shopify.sandbox';

const sandbox = new ShopifySandbox();
sandbox.seedProducts(120);
sandbox.seedOrders(30);
runSandbox(sandbox, 8001, (url) => [`Shopify sandbox listening on ${url}/admin/api/2025-01/ (X-Shopify-Access-Token: shpat_sandbox)`]);
