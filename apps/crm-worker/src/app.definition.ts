import { defineApp } from '@junction/platform';
import { envSchema } from './config/env';

/** crm-worker: crm.commands → HubSpot-style CRM → crm.events. Boots with health, database and bus; its capabilities arrive with their issues. */
export const crmWorker = defineApp({
  name: 'crm-worker',
  defaultPort: 3004,
  envSchema,
  imports: () => [],
});
