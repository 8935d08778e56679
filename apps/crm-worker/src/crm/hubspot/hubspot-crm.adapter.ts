import { HubSpotError, HUBSPOT_SEARCH_MAX_LIMIT, HUBSPOT_SEARCH_MAX_RESULTS, type HubSpotCallOptions, type HubSpotClient, type HubSpotFilter, type HubSpotObject } from '@junction/connectors/crm';
import { IntegrationError, type CallContext, type PipelineAttempt, type ResiliencePipelines } from '@junction/resilience';
import type { CrmLead, CrmLeadInput, CrmOpportunity, CrmOpportunityChanges, CrmPipeline, CrmPipelineSnapshot, CrmPort, CrmSnapshotFilter } from '../crm.port';
import { DEAL_PROPERTIES, toDealProperties, toHubSpotLead, toLead, toOpportunity, toPipeline } from './hubspot-crm.mapper';

export const CRM_PROVIDER = 'crm';

/** Who is calling, for every provider call of one command. */
export interface CrmCallScope {
  /** CallContext.connection: the connection id, or `sandbox` / `env`. */
  connection: string;
  deadline?: number;
  correlationId?: string;
  messageId?: string;
  signal?: AbortSignal;
}

export interface HubSpotCrmOptions {
  /** Search page size (HubSpot: at most 200). */
  searchPageSize?: number;
  /** Results one search query can reach (HubSpot: 10 000); past it the snapshot continues with `hs_object_id > last`. */
  maxResultsPerQuery?: number;
}

/**
 * CrmPort on HubSpot's v3 API. Every call goes through the `crm` resilience pipeline of the command's connection
 * (shared rate limits, breaker, per-attempt timeouts bounded by the command's deadline); creates are not retried
 * within the call (idempotent: false) because the redelivered command's look-up finds what they made.
 */
export class HubSpotCrm implements CrmPort {
  private readonly pageSize: number;
  private readonly maxResults: number;

  constructor(
    private readonly client: HubSpotClient,
    private readonly calls: ResiliencePipelines,
    private readonly scope: CrmCallScope,
    options: HubSpotCrmOptions = {},
  ) {
    this.pageSize = Math.min(options.searchPageSize ?? HUBSPOT_SEARCH_MAX_LIMIT, HUBSPOT_SEARCH_MAX_LIMIT);
    this.maxResults = options.maxResultsPerQuery ?? HUBSPOT_SEARCH_MAX_RESULTS;
  }

  async findLeadByEmail(email: string): Promise<CrmLead | null> {
    const found = await this.run('contact.find-by-email', true, (o) => this.client.findContactByEmail(email, undefined, o));
    return found ? toLead(found, email) : null;
  }

  async createLead(input: CrmLeadInput): Promise<{ lead: CrmLead; existed: boolean }> {
    try {
      const created = await this.run('lead.create', false, (o) => this.client.createLead(toHubSpotLead(input), o));
      return { lead: toLead(created, input.email), existed: false };
    } catch (error) {
      // Search is eventually consistent: a contact made moments ago (by us on an earlier attempt, or by anyone) can be
      // missed by the look-up and then refused here. HubSpot names it: "Contact already exists. Existing ID: N".
      if (error instanceof HubSpotError && error.errorClass === 'conflict') {
        if (error.existingId) return { lead: { id: error.existingId, email: input.email.toLowerCase(), lifecycleStage: null }, existed: true };
        const found = await this.findLeadByEmail(input.email);
        if (found) return { lead: found, existed: true };
      }
      throw error;
    }
  }

  async getOpportunity(id: string): Promise<CrmOpportunity> {
    return toOpportunity(await this.run('deal.get', true, (o) => this.client.getDeal(id, DEAL_PROPERTIES, o)));
  }

  async updateOpportunity(id: string, changes: CrmOpportunityChanges): Promise<CrmOpportunity> {
    // A PATCH of absolute values is idempotent: retried within the call.
    return toOpportunity(await this.run('deal.update', true, (o) => this.client.updateDeal(id, toDealProperties(changes), o)));
  }

  async listPipelines(): Promise<CrmPipeline[]> {
    const pipelines = await this.run('pipelines.list', true, (o) => this.client.listDealPipelines(o));
    return pipelines.map(toPipeline).sort((a, b) => a.displayOrder - b.displayOrder);
  }

  async pipelineSnapshot(pipelineId: string | undefined, filter: CrmSnapshotFilter = {}): Promise<CrmPipelineSnapshot> {
    const pipelines = await this.listPipelines();
    const pipeline = pipelineId === undefined ? pipelines[0] : pipelines.find((p) => p.id === pipelineId);
    if (!pipeline) {
      throw new IntegrationError('not_found', `CRM has no deal pipeline ${pipelineId ?? '(none at all)'}; pipelines: ${pipelines.map((p) => p.id).join(', ') || 'none'}`, {
        provider: CRM_PROVIDER,
        operation: 'pipeline.snapshot',
      });
    }
    const base: HubSpotFilter[] = [{ propertyName: 'pipeline', operator: 'EQ', value: pipeline.id }];
    if (filter.closeDateFrom) base.push({ propertyName: 'closedate', operator: 'GTE', value: String(Date.parse(`${filter.closeDateFrom}T00:00:00.000Z`)) });
    if (filter.closeDateTo) base.push({ propertyName: 'closedate', operator: 'LTE', value: String(Date.parse(`${filter.closeDateTo}T00:00:00.000Z`) + 86_399_999) });

    const deals: HubSpotObject[] = [];
    let pages = 0;
    let lastId: string | undefined;
    let after: string | undefined;
    let offset = 0;
    // Sorted by id so the query can be continued past HubSpot's 10 000-result cap with `hs_object_id > last id`.
    for (;;) {
      const filters = lastId === undefined ? base : [...base, { propertyName: 'hs_object_id', operator: 'GT' as const, value: lastId }];
      const page = await this.run('deals.search', true, (o) =>
        this.client.searchDeals({ filterGroups: [{ filters }], sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }], properties: DEAL_PROPERTIES, limit: this.pageSize, after }, o),
      );
      pages++;
      deals.push(...page.results);
      if (page.nextAfter === undefined || page.results.length === 0) break;
      offset += page.results.length;
      if (offset + this.pageSize > this.maxResults) {
        lastId = page.results[page.results.length - 1]!.id;
        after = undefined;
        offset = 0;
      } else {
        after = page.nextAfter;
      }
    }
    return { pipeline, opportunities: deals.map(toOpportunity), pages };
  }

  private run<T>(operation: string, idempotent: boolean, call: (options: HubSpotCallOptions) => Promise<T>): Promise<T> {
    const ctx: CallContext = {
      provider: CRM_PROVIDER,
      connection: this.scope.connection,
      operation,
      idempotent,
      deadline: this.scope.deadline,
      correlationId: this.scope.correlationId,
      messageId: this.scope.messageId,
      signal: this.scope.signal,
    };
    return this.calls.run(ctx, (attempt: PipelineAttempt) => call({ ...attempt.requestOptions, observeLimits: (o) => attempt.observeLimits(o) }));
  }
}
