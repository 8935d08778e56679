import { CRM_SANDBOX_TOKEN, CrmSandbox, HubSpotClient } from '@junction/connectors/crm';
import { ErpNextClient, ErpNextSandbox, type ErpNextPort } from '@junction/connectors/erpnext';
import { ConnectionClients } from '@junction/integrations';
import { PostgresRateLimiter, type PrismaService } from '@junction/persistence';
import { ResiliencePipelines } from '@junction/resilience';
import { CrmReader, ErpNextReader } from '../providers/provider-readers';

const noRows = (): never => {
  throw new Error('no connection rows in these tests: the sandbox is every tenant\'s fallback');
};

/** The ERPNext and CRM sandboxes in-process, and the jobs' readers on them through real pipelines (Postgres limiter). */
export async function startProviderSandboxes(prisma: PrismaService) {
  const erpSandbox = new ErpNextSandbox({ apiKey: 'k', apiSecret: 's' });
  const crmSandbox = new CrmSandbox();
  await Promise.all([erpSandbox.start(), crmSandbox.start()]);
  const erp = new ErpNextClient({ baseUrl: erpSandbox.url, apiKey: 'k', apiSecret: 's' });
  const crm = new HubSpotClient({ baseUrl: crmSandbox.url, token: CRM_SANDBOX_TOKEN });
  const pipelines = new ResiliencePipelines({ limiter: new PostgresRateLimiter(prisma) });
  const erpnextReader = new ErpNextReader(new ConnectionClients<ErpNextPort>({ typeSlug: 'erpnext', label: 'ERPNext', fallback: { kind: 'sandbox', client: erp }, build: noRows }), pipelines);
  const crmReader = new CrmReader(new ConnectionClients<HubSpotClient>({ typeSlug: 'crm', label: 'CRM', fallback: { kind: 'sandbox', client: crm }, build: noRows }), pipelines);
  return {
    erpSandbox,
    crmSandbox,
    erp,
    crm,
    erpnextReader,
    crmReader,
    async stop() {
      pipelines.close();
      await Promise.all([erpSandbox.stop(), crmSandbox.stop()]);
    },
  };
}
