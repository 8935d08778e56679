import { z } from 'zod';
import { Topics } from '../topics/topics';
import { defineCommand, definitionsOf, messagesByType } from './define-command';

const email = z.email().max(254);
const money = z.number().finite().nonnegative().max(1e13);
const text = (max: number) => z.string().trim().min(1).max(max);
/** A CRM object id: HubSpot's are numeric strings. */
const objectId = z.string().regex(/^\d{1,30}$/, 'a CRM object id (digits)');
const stageId = text(100);
const pipelineId = text(100);
const MAX_STAGES = 100;

/**
 * Create a lead in the CRM (HubSpot: a contact with lifecyclestage=lead). The e-mail is the natural key: the worker
 * looks the contact up by e-mail before creating, and a create the CRM answers with "already exists" (409) is
 * reported as existing too. An existing contact is never modified (its lifecycle stage may be further along).
 */
export const crmLeadCreate = defineCommand({
  type: 'crm.lead.create',
  topic: Topics.crmCommands,
  eventTopic: Topics.crmEvents,
  payload: z.strictObject({
    email,
    firstName: text(100).optional(),
    lastName: text(100).optional(),
    company: text(200).optional(),
    phone: text(50).optional(),
    jobTitle: text(200).optional(),
    website: text(500).optional(),
    /** HubSpot's hs_lead_status. */
    leadStatus: z.enum(['NEW', 'OPEN', 'IN_PROGRESS', 'OPEN_DEAL', 'UNQUALIFIED', 'ATTEMPTED_TO_CONTACT', 'CONNECTED', 'BAD_TIMING']).optional(),
  }),
  entityKey: (p) => `lead:${p.email.toLowerCase()}`,
  succeeded: {
    type: 'crm.lead.created',
    payload: z.strictObject({
      commandId: z.uuid(),
      /** Lower-cased, as the CRM stores it. */
      email,
      /** The CRM's contact id. */
      contactId: objectId,
      /** True when a contact with this e-mail existed and nothing was created. */
      alreadyExisted: z.boolean(),
      /** The contact's lifecycle stage as the CRM reports it (`lead` when created). */
      lifecycleStage: z.string().max(100).nullable(),
    }),
  },
});

const opportunityChange = z
  .strictObject({
    dealId: objectId,
    /** A stage id of the deal's pipeline (HubSpot `dealstage`); checked against the pipeline before writing. */
    stage: stageId.optional(),
    amount: money.optional(),
    /** ISO date (YYYY-MM-DD), written as midnight UTC. */
    closeDate: z.iso.date().optional(),
  })
  .refine((p) => p.stage !== undefined || p.amount !== undefined || p.closeDate !== undefined, { message: 'name at least one of stage, amount, closeDate' });

/**
 * Update an opportunity (HubSpot: a deal): stage, amount, close date. Fields already in the requested state are not
 * written; when nothing differs the CRM is not written at all (`changed` is empty). A stage outside the deal's
 * pipeline is answered with crm.opportunity.update.failed (PROVIDER_VALIDATION), an unknown deal with PROVIDER_NOT_FOUND.
 */
export const crmOpportunityUpdate = defineCommand({
  type: 'crm.opportunity.update',
  topic: Topics.crmCommands,
  eventTopic: Topics.crmEvents,
  payload: opportunityChange,
  entityKey: (p) => `deal:${p.dealId}`,
  succeeded: {
    type: 'crm.opportunity.updated',
    payload: z.strictObject({
      commandId: z.uuid(),
      dealId: objectId,
      pipelineId: pipelineId.nullable(),
      /** The deal's state after the command. */
      stage: stageId.nullable(),
      amount: money.nullable(),
      closeDate: z.iso.date().nullable(),
      /** What this command changed; empty when the deal already was in the requested state (no write). */
      changed: z.array(z.enum(['stage', 'amount', 'closeDate'])).max(3),
    }),
  },
});

const stageRow = z.strictObject({
  stageId,
  label: z.string().max(200),
  displayOrder: z.number().int(),
  /** From the pipeline's stage metadata (0..1). */
  probability: z.number().min(0).max(1),
  isClosed: z.boolean(),
  dealCount: z.number().int().nonnegative(),
  amount: money,
  /** amount × probability. */
  weightedAmount: money,
});

const conversionRow = z.strictObject({
  fromStageId: stageId,
  toStageId: stageId,
  /** Deals that reached `fromStageId` (are in it or any later open stage, or won). */
  reached: z.number().int().nonnegative(),
  /** Of those, the deals that reached `toStageId`. */
  advanced: z.number().int().nonnegative(),
  /** advanced / reached, null when no deal reached `fromStageId`. */
  rate: z.number().min(0).max(1).nullable(),
});

/**
 * A pipeline report computed over every deal of the pipeline (all pages of the CRM's search): per stage the count,
 * amount and weighted amount (amount × the stage's probability from the pipeline metadata), the weighted forecast,
 * and the conversion between consecutive stages. Conversion from a snapshot (no stage history): a deal in stage k
 * of the funnel (the pipeline's stages in display order, lost stages left out) has reached stages 0..k, a won deal
 * every stage, a lost deal only the first. Amounts are rounded to cents.
 */
export const crmPipelineReportGenerate = defineCommand({
  type: 'crm.pipeline-report.generate',
  topic: Topics.crmCommands,
  eventTopic: Topics.crmEvents,
  payload: z
    .strictObject({
      /** Default: the CRM's first pipeline (HubSpot's `default`). */
      pipelineId: pipelineId.optional(),
      /** Only deals closing in this range (inclusive; ISO dates). */
      closeDateFrom: z.iso.date().optional(),
      closeDateTo: z.iso.date().optional(),
    })
    .refine((p) => !p.closeDateFrom || !p.closeDateTo || p.closeDateFrom <= p.closeDateTo, { message: 'closeDateFrom must not be after closeDateTo' }),
  succeeded: {
    type: 'crm.pipeline-report.generated',
    payload: z.strictObject({
      commandId: z.uuid(),
      pipelineId,
      pipelineLabel: z.string().max(200),
      generatedAt: z.iso.datetime(),
      dealCount: z.number().int().nonnegative(),
      totalAmount: money,
      /** Σ amount × probability over every deal (won at 1, lost at 0). */
      weightedForecast: money,
      openDealCount: z.number().int().nonnegative(),
      openAmount: money,
      /** Σ amount × probability over the open deals: what the pipeline is still expected to bring. */
      openWeightedForecast: money,
      wonAmount: money,
      /** won / (won + lost), null when nothing closed. */
      winRate: z.number().min(0).max(1).nullable(),
      /** Deals with no amount (counted, summed as 0). */
      dealsWithoutAmount: z.number().int().nonnegative(),
      /** Deals whose stage the pipeline does not list (counted in dealCount only). */
      dealsInUnknownStage: z.number().int().nonnegative(),
      stages: z.array(stageRow).max(MAX_STAGES),
      conversions: z.array(conversionRow).max(MAX_STAGES),
      /** Search pages read. */
      pages: z.number().int().positive(),
    }),
  },
});

/** Every crm.* message. */
export const crmMessages = messagesByType(...definitionsOf(crmLeadCreate), ...definitionsOf(crmOpportunityUpdate), ...definitionsOf(crmPipelineReportGenerate));

/** The commands crm-worker handles (its subscription's filter; each needs an @EventPattern handler). */
export const crmWorkerCommands = [crmLeadCreate.command.type, crmOpportunityUpdate.command.type, crmPipelineReportGenerate.command.type] as const;
