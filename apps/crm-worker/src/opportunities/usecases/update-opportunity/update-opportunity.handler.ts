import { Injectable, Logger } from '@nestjs/common';
import type { MessageOf, MessagePayload } from '@junction/contracts';
import { CommandStep } from '@junction/messaging';
import { IntegrationError } from '@junction/resilience';
import { CrmGateway } from '../../../crm/crm-gateway';
import type { CrmOpportunity, CrmOpportunityChanges, CrmPort } from '../../../crm/crm.port';

type UpdateOpportunity = MessageOf<'crm.opportunity.update'>;
type Field = MessagePayload<'crm.opportunity.updated'>['changed'][number];

interface Updated {
  deal: CrmOpportunity;
  changed: Field[];
}

/**
 * crm.opportunity.update → the deal in the requested state. Reads the deal first and writes only the fields that
 * differ, so a repeated command (or a retry after a lost response) writes nothing. A stage is checked against the
 * deal's pipeline before writing: a stage of another pipeline is answered as a validation failure, not sent.
 */
@Injectable()
export class UpdateOpportunityHandler {
  private readonly logger = new Logger(UpdateOpportunityHandler.name);

  constructor(
    private readonly commands: CommandStep,
    private readonly crm: CrmGateway,
  ) {}

  async execute(command: UpdateOpportunity): Promise<void> {
    const { dealId } = command.payload;
    await this.commands.run<'crm.opportunity.update', Updated>(command, {
      provider: 'crm',
      operation: 'opportunity.update',
      naturalKey: dealId,
      effect: async ({ signal }) => {
        const crm = await this.crm.forCommand(command, signal);
        const current = await crm.getOpportunity(dealId);
        const { changes, changed } = diff(current, command.payload);
        if (changed.length === 0) return { deal: current, changed };
        if (changes.stageId !== undefined) await assertStageInPipeline(crm, current, changes.stageId);
        const deal = await crm.updateOpportunity(dealId, changes);
        this.logger.log(`deal ${dealId}: ${changed.join(', ')} updated (command ${command.id}, correlation ${command.correlationId})`);
        return { deal, changed };
      },
      succeeded: ({ deal, changed }) => ({
        commandId: command.id,
        dealId,
        pipelineId: deal.pipelineId,
        stage: deal.stageId,
        amount: deal.amount,
        closeDate: deal.closeDate,
        changed,
      }),
      ledger: ({ changed }) => ({ outcome: changed.length > 0 ? 'updated' : 'existed', externalRef: dealId }),
    });
  }
}

/** The requested fields that differ from the deal's current values. */
export function diff(current: CrmOpportunity, wanted: { stage?: string; amount?: number; closeDate?: string }): { changes: CrmOpportunityChanges; changed: Field[] } {
  const changes: CrmOpportunityChanges = {};
  const changed: Field[] = [];
  if (wanted.stage !== undefined && wanted.stage !== current.stageId) {
    changes.stageId = wanted.stage;
    changed.push('stage');
  }
  // Amounts compare in cents: "1500.10" from the CRM and 1500.1 in the command are the same amount.
  if (wanted.amount !== undefined && (current.amount === null || Math.round(current.amount * 100) !== Math.round(wanted.amount * 100))) {
    changes.amount = wanted.amount;
    changed.push('amount');
  }
  if (wanted.closeDate !== undefined && wanted.closeDate !== current.closeDate) {
    changes.closeDate = wanted.closeDate;
    changed.push('closeDate');
  }
  return { changes, changed };
}

async function assertStageInPipeline(crm: CrmPort, deal: CrmOpportunity, stageId: string): Promise<void> {
  const pipelines = await crm.listPipelines();
  // A deal without a pipeline is in the CRM's default (first) pipeline.
  const pipeline = deal.pipelineId === null ? pipelines[0] : pipelines.find((p) => p.id === deal.pipelineId);
  if (pipeline?.stages.some((s) => s.id === stageId)) return;
  const known = pipeline ? pipeline.stages.map((s) => s.id).join(', ') : 'none';
  throw new IntegrationError('validation', `stage ${stageId} is not a stage of the deal's pipeline ${deal.pipelineId ?? '(default)'} (stages: ${known})`, {
    provider: 'crm',
    operation: 'opportunity.update',
  });
}
