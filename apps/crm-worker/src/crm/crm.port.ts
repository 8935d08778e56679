/**
 * The CRM as crm-worker's use cases see it: leads, opportunities and pipelines, whatever the CRM calls them. HubSpot
 * (contacts with lifecyclestage=lead, deals, deal pipelines) is the first adapter; an ERPNext-CRM adapter (Lead,
 * Opportunity, sales stages) would implement the same port. Adapters classify failures as IntegrationErrors and run
 * every provider call through the resilience pipeline; the use cases own the decisions (dedupe, skip, validate).
 */

export interface CrmLeadInput {
  email: string;
  firstName?: string;
  lastName?: string;
  company?: string;
  phone?: string;
  jobTitle?: string;
  website?: string;
  leadStatus?: string;
}

export interface CrmLead {
  id: string;
  /** Lower-cased. */
  email: string;
  /** null when the CRM did not say (a duplicate reported by id only). */
  lifecycleStage: string | null;
}

export interface CrmOpportunity {
  id: string;
  name: string | null;
  pipelineId: string | null;
  stageId: string | null;
  amount: number | null;
  /** YYYY-MM-DD (UTC). */
  closeDate: string | null;
}

export interface CrmOpportunityChanges {
  stageId?: string;
  amount?: number;
  /** YYYY-MM-DD. */
  closeDate?: string;
}

export interface CrmStage {
  id: string;
  label: string;
  displayOrder: number;
  /** Win probability 0..1 from the pipeline's metadata. */
  probability: number;
  isClosed: boolean;
}

export interface CrmPipeline {
  id: string;
  label: string;
  displayOrder: number;
  /** In display order. */
  stages: CrmStage[];
}

export interface CrmSnapshotFilter {
  /** Inclusive ISO dates on the close date. */
  closeDateFrom?: string;
  closeDateTo?: string;
}

export interface CrmPipelineSnapshot {
  pipeline: CrmPipeline;
  /** Every opportunity of the pipeline matching the filter, all pages read. */
  opportunities: CrmOpportunity[];
  pages: number;
}

export interface CrmPort {
  findLeadByEmail(email: string): Promise<CrmLead | null>;
  /** Creates the lead; when the CRM answers that one with this e-mail exists, returns it with `existed: true`. */
  createLead(input: CrmLeadInput): Promise<{ lead: CrmLead; existed: boolean }>;
  /** not_found when there is no such opportunity. */
  getOpportunity(id: string): Promise<CrmOpportunity>;
  updateOpportunity(id: string, changes: CrmOpportunityChanges): Promise<CrmOpportunity>;
  listPipelines(): Promise<CrmPipeline[]>;
  /** The pipeline (default: the first) and all its opportunities; not_found for an unknown pipeline id. */
  pipelineSnapshot(pipelineId: string | undefined, filter?: CrmSnapshotFilter): Promise<CrmPipelineSnapshot>;
}
