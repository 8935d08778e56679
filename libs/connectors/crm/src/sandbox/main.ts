/** Standalone CRM (HubSpot v3) sandbox for manual use: `PORT=8003 [HOST=0.0.0.0] node dist/.../main.js`. */
import { runSandbox } from '@junction/connectors/sandbox-kit';
import { CRM_SANDBOX_TOKEN, CrmSandbox } from './crm.sandbox';

runSandbox(new CrmSandbox(), 8003, (url) => [`CRM sandbox listening on ${url} (Authorization: Bearer ${CRM_SANDBOX_TOKEN})`]);
