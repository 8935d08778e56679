import { Injectable } from '@nestjs/common';
import type { MessageOf, MessagePayload } from '@junction/contracts';
import type { ErpNextDoc } from '@junction/connectors/erpnext';
import { CommandStep } from '@junction/messaging';
import { ErpNextCalls, type ErpNextSession } from '../../../erpnext/erpnext-calls';
import { docstatusOf } from '../../../erpnext/erpnext-fields';

type CreateStockEntry = MessageOf<'erp.stock-entry.create'>;
type Payload = MessagePayload<'erp.stock-entry.create'>;

const STOCK_ENTRY = 'Stock Entry';

interface Entered {
  readonly entry: ErpNextDoc;
  readonly existed: boolean;
}

/**
 * erp.stock-entry.create → a submitted Stock Entry (stock moves on submit), once.
 * Stock Entries have no field for a foreign key, so the natural key travels as a marker line in `remarks`:
 * `junction:<externalRef>` (or `junction:<command id>` without one). Every attempt looks the marker up first:
 * - none: insert the draft, then submit it;
 * - a draft (an earlier attempt inserted it, then lost the submit or its answer): submit that one;
 * - submitted: done, nothing moves again; cancelled (someone reverted it in ERPNext): reported, nothing moves.
 * ERPNext refusing the movement (not enough stock: NegativeStockError, an unknown item or warehouse) answers
 * `.failed` with its message; a draft inserted before a refused submit stays, and the same command (or externalRef)
 * sent again later submits that draft instead of inserting another.
 */
@Injectable()
export class CreateStockEntryHandler {
  constructor(
    private readonly commands: CommandStep,
    private readonly erpnext: ErpNextCalls,
  ) {}

  async execute(command: CreateStockEntry): Promise<void> {
    const { payload } = command;
    const marker = markerOf(payload.externalRef ?? command.id);
    await this.commands.run(command, {
      provider: 'erpnext',
      operation: 'stock-entry.create',
      naturalKey: marker,
      effect: async (context): Promise<Entered> => {
        const erp = await this.erpnext.open(command, context);
        const found = await findByMarker(erp, marker);
        if (found && docstatusOf(found.docstatus) !== 0) return { entry: found, existed: true };
        const draft = found ?? (await erp.write('stock-entry.insert', (client, options) => client.insertDoc<ErpNextDoc>(STOCK_ENTRY, toStockEntry(payload, marker), options)));
        const submitted = await erp.write('stock-entry.submit', (client, options) => client.submitDoc<ErpNextDoc>(STOCK_ENTRY, draft.name, options));
        return { entry: submitted, existed: found !== null };
      },
      succeeded: ({ entry, existed }) => ({
        commandId: command.id,
        erpName: entry.name,
        stockEntryType: payload.stockEntryType,
        externalRef: payload.externalRef ?? null,
        docstatus: docstatusOf(entry.docstatus) === 2 ? 2 : 1,
        alreadyExisted: existed,
      }),
      ledger: ({ entry, existed }) => ({ outcome: existed ? 'existed' : 'created', externalRef: entry.name }),
    });
  }
}

export function markerOf(key: string): string {
  return `junction:${key}`;
}

/**
 * The entry carrying the marker as a line of its remarks. The LIKE finds candidates (its `_` and `%` may match more);
 * the exact line comparison decides. Several (someone copied one by hand): a live one before a cancelled one.
 */
async function findByMarker(erp: ErpNextSession, marker: string): Promise<ErpNextDoc | null> {
  const candidates = await erp.read('stock-entry.find', (client, options) =>
    client.listDocs<ErpNextDoc>(STOCK_ENTRY, { filters: [['remarks', 'like', `%${marker}%`]], fields: ['name', 'docstatus', 'remarks'], orderBy: 'creation asc', limit: 50 }, options),
  );
  const matching = candidates.filter((c) => String(c.remarks ?? '').split(/\r?\n/).some((line) => line.trim() === marker));
  return matching.find((c) => docstatusOf(c.docstatus) === 1) ?? matching.find((c) => docstatusOf(c.docstatus) === 0) ?? matching[0] ?? null;
}

export function toStockEntry(payload: Payload, marker: string): Record<string, unknown> {
  return {
    stock_entry_type: payload.stockEntryType,
    ...(payload.company === undefined ? {} : { company: payload.company }),
    ...(payload.postingDate === undefined ? {} : { posting_date: payload.postingDate, set_posting_time: 1 }),
    remarks: [payload.remarks, marker].filter(Boolean).join('\n'),
    items: payload.items.map((item) => ({
      item_code: item.itemCode,
      qty: item.qty,
      ...(item.sourceWarehouse === undefined ? {} : { s_warehouse: item.sourceWarehouse }),
      ...(item.targetWarehouse === undefined ? {} : { t_warehouse: item.targetWarehouse }),
      ...(item.basicRate === undefined ? {} : { basic_rate: item.basicRate }),
    })),
  };
}
