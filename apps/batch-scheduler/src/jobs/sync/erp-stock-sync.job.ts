import { Injectable } from '@nestjs/common';
import { createMessage, type AnyMessage } from '@junction/contracts';
import { z } from 'zod';
import type { BatchJob, BatchJobContext, BatchJobResult } from '../batch-job';
import { batchCommandId } from '../shared/command-id';
import { BatchPublishing } from '../shared/batch-publishing';
import type { BatchItem } from '../shared/paced-publisher';

const name = z.string().trim().min(1).max(140);

export const erpStockSyncParams = z.strictObject({
  /** Item codes to read. */
  items: z.array(name).min(1).max(5_000),
  /** One warehouse: erp.stock-balance.get per item (its Bin there). Absent: erp.inventory.check per item (every warehouse). */
  warehouse: name.optional(),
  /** Commands per second (default: ERPNext's limit from its policy). */
  ratePerSecond: z.number().positive().max(1_000).optional(),
});
export type ErpStockSyncParams = z.infer<typeof erpStockSyncParams>;

/**
 * `erp.stock.sync`: asks erp-worker for the stock of the items named, one command per item; the worker answers with
 * erp.stock-balance.retrieved / erp.inventory.checked events (erp.events) for whoever consumes stock. The run's id is
 * every command's correlation id, so the events can be tied to the run.
 */
@Injectable()
export class ErpStockSyncJob implements BatchJob<ErpStockSyncParams> {
  readonly name = 'erp.stock.sync';
  readonly description = 'ERPNext stock → erp.events: erp.stock-balance.get (with a warehouse) or erp.inventory.check per item';
  readonly params = erpStockSyncParams;

  constructor(private readonly publishing: BatchPublishing) {}

  async run(context: BatchJobContext<ErpStockSyncParams>): Promise<BatchJobResult> {
    const { params } = context;
    await context.progress.setTotal(params.items.length);
    const pace = await this.publishing.paceFor(context.tenantId, 'erpnext', params.ratePerSecond);
    const totals = await this.publishing.publish(context, stockCommands(context), pace);
    return { commands: totals.published + totals.duplicates, published: totals.published, interrupted: totals.interrupted };
  }
}

async function* stockCommands({ runId, tenantId, params }: BatchJobContext<ErpStockSyncParams>): AsyncGenerator<BatchItem> {
  for (const [index, itemCode] of params.items.entries()) {
    const options = { tenantId, id: batchCommandId(runId, index + 1), correlationId: runId };
    const message: AnyMessage = params.warehouse
      ? createMessage('erp.stock-balance.get', { itemCode, warehouse: params.warehouse }, options)
      : createMessage('erp.inventory.check', { itemCode }, options);
    yield { row: index + 1, message };
  }
}
