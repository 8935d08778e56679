/** Standalone ERPNext sandbox for manual use: `PORT=8000 [HOST=0.0.0.0] node dist/.../main.js`. */
import { runSandbox } from '@junction/connectors/sandbox-kit';
import { ErpNextSandbox } from './erpnext.sandbox';

runSandbox(new ErpNextSandbox(), 8000, (url) => [`ERPNext sandbox listening on ${url} (Authorization: token sandbox-key:sandbox-secret)`]);
