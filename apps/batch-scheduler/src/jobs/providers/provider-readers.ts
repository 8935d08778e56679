import type { ErpNextPort } from '@junction/connectors/erpnext';
import type { HubSpotClient, HubSpotObject } from '@junction/connectors/crm';
import { ConnectionError, UnresolvedConnectionError, type ConnectionClients, type ConnectionTarget } from '@junction/integrations';
import type { CallContext, ResiliencePipelines } from '@junction/resilience';
import { BatchJobError } from '../shared/batch-job.error';

/** An ERPNext Customer as the export and the reconciliation read it (frappe.get_list fields). */
export interface ErpCustomerRow {
  readonly name: string;
  readonly customer_name: string;
  readonly customer_type?: string | null;
  readonly customer_group?: string | null;
  readonly territory?: string | null;
  readonly email_id?: string | null;
  readonly tax_id?: string | null;
  readonly disabled?: number | boolean | null;
}

export const ERP_CUSTOMER_FIELDS = ['name', 'customer_name', 'customer_type', 'customer_group', 'territory', 'email_id', 'tax_id', 'disabled'] as const;
export const CRM_CONTACT_PROPERTIES = ['email', 'firstname', 'lastname', 'company'];

/** A run's reads: every call through the resilience pipeline of the connection the tenant's workers use. */
interface ReadScope {
  readonly tenantId: string;
  readonly runId: string;
  readonly signal: AbortSignal;
}

/** Where a run cannot read from: the run fails with the connection's code (NO_CONNECTION, REAUTH_REQUIRED …). */
async function target<T>(clients: ConnectionClients<T>, tenantId: string): Promise<ConnectionTarget<T>> {
  try {
    return await clients.forCommand({ tenantId });
  } catch (error) {
    if (error instanceof UnresolvedConnectionError || error instanceof ConnectionError) throw new BatchJobError(error.code, error.message, { cause: error });
    throw error;
  }
}

function context(provider: string, connection: string, operation: string, scope: ReadScope): CallContext {
  return { provider, connection, operation, idempotent: true, signal: scope.signal, correlationId: scope.runId };
}

/**
 * ERPNext reads of batch jobs, as erp-worker makes them: the tenant's connection (ConnectionClients: envelope-less,
 * so its default `erpnext` connection, else the env credentials), each page one pipeline call (breaker, shared rate
 * limit, retries, timeouts). Never called inside a database transaction.
 */
export class ErpNextReader {
  constructor(
    private readonly clients: ConnectionClients<ErpNextPort>,
    private readonly pipelines: ResiliencePipelines,
  ) {}

  async customers(scope: ReadScope): Promise<(start: number, limit: number) => Promise<ErpCustomerRow[]>> {
    const { client, connection } = await target(this.clients, scope.tenantId);
    return (start, limit) =>
      this.pipelines.run(context('erpnext', connection, 'customer.list', scope), (attempt) =>
        // A stable order (creation, then name): rows inserted meanwhile land after the pages already read.
        client.listDocs<ErpCustomerRow>('Customer', { fields: [...ERP_CUSTOMER_FIELDS], orderBy: 'creation asc, name asc', limit, start }, attempt.requestOptions),
      );
  }
}

/** CRM (HubSpot-style) reads of batch jobs, as crm-worker makes them. */
export class CrmReader {
  constructor(
    private readonly clients: ConnectionClients<HubSpotClient>,
    private readonly pipelines: ResiliencePipelines,
  ) {}

  async contacts(scope: ReadScope): Promise<(after: string | undefined, limit: number) => Promise<{ results: HubSpotObject[]; nextAfter?: string }>> {
    const { client, connection } = await target(this.clients, scope.tenantId);
    return (after, limit) =>
      this.pipelines.run(context('crm', connection, 'contact.list', scope), (attempt) =>
        client.listContacts({ after, limit: Math.min(limit, 100), properties: CRM_CONTACT_PROPERTIES }, { ...attempt.requestOptions, observeLimits: (o) => attempt.observeLimits(o) }),
      );
  }
}
