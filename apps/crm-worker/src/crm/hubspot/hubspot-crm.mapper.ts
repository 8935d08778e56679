import type { HubSpotLeadInput, HubSpotObject, HubSpotPipeline } from '@junction/connectors/crm';
import type { CrmLead, CrmLeadInput, CrmOpportunity, CrmOpportunityChanges, CrmPipeline } from '../crm.port';

/** Deal properties the port reads. */
export const DEAL_PROPERTIES = ['dealname', 'amount', 'closedate', 'dealstage', 'pipeline'];

export function toHubSpotLead(input: CrmLeadInput): HubSpotLeadInput {
  return {
    email: input.email,
    firstname: input.firstName,
    lastname: input.lastName,
    company: input.company,
    phone: input.phone,
    jobtitle: input.jobTitle,
    website: input.website,
    hs_lead_status: input.leadStatus,
  };
}

export function toLead(contact: HubSpotObject, email: string): CrmLead {
  return { id: contact.id, email: (contact.properties.email ?? email).toLowerCase(), lifecycleStage: contact.properties.lifecyclestage ?? null };
}

/** HubSpot returns numbers as strings ("1500.50"); an empty or unparsable amount is no amount. */
export function parseAmount(value: string | null | undefined): number | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** HubSpot datetimes come as ISO strings, older APIs as epoch ms: both → the UTC date. */
export function parseDate(value: string | null | undefined): string | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().slice(0, 10);
}

export function toOpportunity(deal: HubSpotObject): CrmOpportunity {
  const p = deal.properties;
  return {
    id: deal.id,
    name: p.dealname ?? null,
    pipelineId: p.pipeline ?? null,
    stageId: p.dealstage ?? null,
    amount: parseAmount(p.amount),
    closeDate: parseDate(p.closedate),
  };
}

/** Only the named changes; a close date is written as midnight UTC (HubSpot's date-picker value). */
export function toDealProperties(changes: CrmOpportunityChanges): Record<string, string> {
  const properties: Record<string, string> = {};
  if (changes.stageId !== undefined) properties.dealstage = changes.stageId;
  if (changes.amount !== undefined) properties.amount = String(changes.amount);
  if (changes.closeDate !== undefined) properties.closedate = `${changes.closeDate}T00:00:00.000Z`;
  return properties;
}

export function toPipeline(p: HubSpotPipeline): CrmPipeline {
  const stages = p.stages
    .map((s) => {
      const probability = Number(s.metadata.probability);
      return {
        id: s.id,
        label: s.label,
        displayOrder: s.displayOrder,
        // A stage without a usable probability weighs nothing rather than inflating the forecast.
        probability: Number.isFinite(probability) ? Math.min(1, Math.max(0, probability)) : 0,
        isClosed: s.metadata.isClosed === 'true',
      };
    })
    .sort((a, b) => a.displayOrder - b.displayOrder);
  return { id: p.id, label: p.label, displayOrder: p.displayOrder, stages };
}
