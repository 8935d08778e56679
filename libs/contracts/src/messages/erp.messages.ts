import { z } from 'zod';
import { Topics } from '../topics/topics';
import { defineCommand, definitionsOf, messagesByType } from './define-command';
import { erpSalesOrderCreate, erpSalesOrderGet, erpSalesOrderUpdateStatus } from './erp-sales-order.messages';

const customerName = z.string().trim().min(1).max(140);
const customerKey = (p: { customerName: string }) => `customer:${p.customerName.toLowerCase()}`;

export const erpCustomerCreate = defineCommand({
  type: 'erp.customer.create',
  topic: Topics.erpCommands,
  eventTopic: Topics.erpEvents,
  payload: z.strictObject({
    /** Natural key: ERPNext names a Customer after customer_name, and we look it up before creating. */
    customerName,
    customerType: z.enum(['Company', 'Individual']).default('Company'),
    customerGroup: z.string().min(1).max(140).optional(),
    territory: z.string().min(1).max(140).optional(),
    email: z.email().optional(),
    taxId: z.string().min(1).max(140).optional(),
  }),
  entityKey: customerKey,
  succeeded: {
    type: 'erp.customer.created',
    payload: z.strictObject({
      commandId: z.uuid(),
      customerName,
      /** The ERPNext document name (`Customer/<name>`). */
      erpName: z.string().min(1),
      /** True when a Customer with the same natural key already existed and nothing was created. */
      alreadyExisted: z.boolean(),
    }),
  },
  // Version 1 had its own payload (customerName, code, message); consumers accept N and N-1.
  failed: {
    version: 2,
    previous: { 1: z.strictObject({ commandId: z.uuid(), customerName, code: z.string().min(1), message: z.string() }) },
  },
});

const customerTypes = ['Company', 'Individual'] as const;
const optionalText = z.string().trim().min(1).max(140).optional();
const nullableText = z.string().max(140).nullable();

/** Read a Customer by its natural key (customer_name). Unknown → `.failed` with PROVIDER_NOT_FOUND. */
export const erpCustomerGet = defineCommand({
  type: 'erp.customer.get',
  topic: Topics.erpCommands,
  eventTopic: Topics.erpEvents,
  payload: z.strictObject({ customerName }),
  entityKey: customerKey,
  succeeded: {
    type: 'erp.customer.retrieved',
    payload: z.strictObject({
      commandId: z.uuid(),
      customerName,
      erpName: z.string().min(1).max(140),
      customerType: nullableText,
      customerGroup: nullableText,
      territory: nullableText,
      email: z.string().max(320).nullable(),
      taxId: nullableText,
      disabled: z.boolean(),
    }),
  },
});

/**
 * Change a Customer's fields (found by customer_name). Naturally idempotent: fields already holding the value are not
 * sent; a repeated command reports `changed: []`. Unknown customer → `.failed` (PROVIDER_NOT_FOUND); a group or
 * territory ERPNext does not know → `.failed` (PROVIDER_VALIDATION).
 */
export const erpCustomerUpdate = defineCommand({
  type: 'erp.customer.update',
  topic: Topics.erpCommands,
  eventTopic: Topics.erpEvents,
  payload: z.strictObject({
    customerName,
    changes: z
      .strictObject({
        customerType: z.enum(customerTypes).optional(),
        customerGroup: optionalText,
        territory: optionalText,
        email: z.email().optional(),
        taxId: optionalText,
        disabled: z.boolean().optional(),
      })
      .refine((c) => Object.values(c).some((v) => v !== undefined), { message: 'name at least one field to change' }),
  }),
  entityKey: customerKey,
  succeeded: {
    type: 'erp.customer.updated',
    payload: z.strictObject({
      commandId: z.uuid(),
      customerName,
      erpName: z.string().min(1).max(140),
      /** The command's fields that differed and were written (empty: ERPNext held these values already). */
      changed: z.array(z.enum(['customerType', 'customerGroup', 'territory', 'email', 'taxId', 'disabled'])).max(6),
    }),
  },
});

const itemCode = z.string().trim().min(1).max(140);
const warehouse = z.string().trim().min(1).max(140);
const quantity = z.number().finite();
const MAX_WAREHOUSES = 200;

const binQuantities = {
  actualQty: quantity,
  projectedQty: quantity,
  reservedQty: quantity,
  orderedQty: quantity,
};

/** An Item and its stock (`Bin`) in every warehouse, or in the warehouses named. Unknown item → `.failed`. */
export const erpInventoryCheck = defineCommand({
  type: 'erp.inventory.check',
  topic: Topics.erpCommands,
  eventTopic: Topics.erpEvents,
  payload: z.strictObject({
    itemCode,
    /** Only these warehouses (default: every warehouse holding a Bin for the item). */
    warehouses: z.array(warehouse).min(1).max(50).optional(),
  }),
  entityKey: (p) => `item:${p.itemCode.toLowerCase()}`,
  succeeded: {
    type: 'erp.inventory.checked',
    payload: z.strictObject({
      commandId: z.uuid(),
      itemCode,
      itemName: nullableText,
      stockUom: nullableText,
      isStockItem: z.boolean(),
      disabled: z.boolean(),
      /** Sums over every warehouse read (also those beyond the event's cap). */
      totalActualQty: quantity,
      totalProjectedQty: quantity,
      warehouses: z.array(z.strictObject({ warehouse: z.string().max(140), ...binQuantities })).max(MAX_WAREHOUSES),
      /** Warehouses left out of `warehouses` (the event carries at most 200). */
      truncated: z.number().int().nonnegative(),
    }),
  },
});

export const STOCK_ENTRY_TYPES = ['Material Receipt', 'Material Issue', 'Material Transfer'] as const;

/**
 * A submitted Stock Entry: Material Receipt (items into `targetWarehouse`), Material Issue (out of
 * `sourceWarehouse`) or Material Transfer (both). `externalRef` is the natural key (a goods receipt number, a
 * transfer id): a second command with the same one finds the first's entry instead of moving stock twice.
 * Without it, the command id is the key (a redelivery is safe; a re-sent command with a new id is a new movement).
 */
export const erpStockEntryCreate = defineCommand({
  type: 'erp.stock-entry.create',
  topic: Topics.erpCommands,
  eventTopic: Topics.erpEvents,
  payload: z
    .strictObject({
      stockEntryType: z.enum(STOCK_ENTRY_TYPES),
      externalRef: z.string().trim().min(1).max(100).optional(),
      company: optionalText,
      /** ISO date (YYYY-MM-DD); default: ERPNext's today. */
      postingDate: z.iso.date().optional(),
      remarks: z.string().trim().max(1_000).optional(),
      items: z
        .array(
          z.strictObject({
            itemCode,
            qty: z.number().positive().finite(),
            sourceWarehouse: warehouse.optional(),
            targetWarehouse: warehouse.optional(),
            /** Valuation rate of received stock (Material Receipt). */
            basicRate: z.number().nonnegative().finite().optional(),
          }),
        )
        .min(1)
        .max(200),
    })
    .superRefine((p, ctx) => {
      p.items.forEach((item, i) => {
        const needsSource = p.stockEntryType !== 'Material Receipt';
        const needsTarget = p.stockEntryType !== 'Material Issue';
        if (needsSource && !item.sourceWarehouse) ctx.addIssue({ code: 'custom', path: ['items', i, 'sourceWarehouse'], message: `${p.stockEntryType} needs a sourceWarehouse` });
        if (needsTarget && !item.targetWarehouse) ctx.addIssue({ code: 'custom', path: ['items', i, 'targetWarehouse'], message: `${p.stockEntryType} needs a targetWarehouse` });
        if (!needsSource && item.sourceWarehouse) ctx.addIssue({ code: 'custom', path: ['items', i, 'sourceWarehouse'], message: 'a Material Receipt has no sourceWarehouse' });
        if (!needsTarget && item.targetWarehouse) ctx.addIssue({ code: 'custom', path: ['items', i, 'targetWarehouse'], message: 'a Material Issue has no targetWarehouse' });
      });
    }),
  entityKey: (p) => (p.externalRef ? `stock-entry:${p.externalRef.toLowerCase()}` : `item:${p.items[0]!.itemCode.toLowerCase()}`),
  succeeded: {
    type: 'erp.stock-entry.created',
    payload: z.strictObject({
      commandId: z.uuid(),
      /** The ERPNext document name (`MAT-STE-…`). */
      erpName: z.string().min(1).max(140),
      stockEntryType: z.enum(STOCK_ENTRY_TYPES),
      externalRef: z.string().max(100).nullable(),
      /** 1: submitted (stock moved). 2: an earlier entry with this key was cancelled in ERPNext; nothing was moved now. */
      docstatus: z.union([z.literal(1), z.literal(2)]),
      /** True when an entry with this key already existed (nothing new inserted). */
      alreadyExisted: z.boolean(),
    }),
  },
});

/** Stock of one item in one warehouse (its `Bin`; none yet = zero). Unknown item or warehouse → `.failed`. */
export const erpStockBalanceGet = defineCommand({
  type: 'erp.stock-balance.get',
  topic: Topics.erpCommands,
  eventTopic: Topics.erpEvents,
  payload: z.strictObject({ itemCode, warehouse }),
  entityKey: (p) => `item:${p.itemCode.toLowerCase()}`,
  succeeded: {
    type: 'erp.stock-balance.retrieved',
    payload: z.strictObject({
      commandId: z.uuid(),
      itemCode,
      warehouse,
      ...binQuantities,
      valuationRate: z.number().finite().nullable(),
      stockValue: z.number().finite().nullable(),
      /** False: no stock transaction yet (no Bin); quantities are zero. */
      hasBin: z.boolean(),
    }),
  },
});

/** Report types and the ERPNext query report each runs (`frappe.desk.query_report.run`). */
export const FINANCIAL_REPORTS = {
  'profit-and-loss': 'Profit and Loss Statement',
  'balance-sheet': 'Balance Sheet',
  'general-ledger': 'General Ledger',
  'accounts-receivable': 'Accounts Receivable',
  'sales-order-analysis': 'Sales Order Analysis',
  'stock-balance': 'Stock Balance',
} as const;
export type FinancialReportType = keyof typeof FINANCIAL_REPORTS;
const reportTypes = Object.keys(FINANCIAL_REPORTS) as [FinancialReportType, ...FinancialReportType[]];
const MAX_REPORT_ROWS = 500;
const cell = z.union([z.string().max(1_000), z.number(), z.boolean(), z.null()]);

/**
 * Run an ERPNext report for a company and date range. The event carries at most `maxRows` rows (and fewer when the
 * rows would make it too large for the bus); `truncated` says how many were left out of `totalRows`.
 */
export const erpFinancialReportGenerate = defineCommand({
  type: 'erp.financial-report.generate',
  topic: Topics.erpCommands,
  eventTopic: Topics.erpEvents,
  payload: z
    .strictObject({
      reportType: z.enum(reportTypes),
      company: z.string().trim().min(1).max(140),
      fromDate: z.iso.date(),
      toDate: z.iso.date(),
      /** Period columns of the Profit and Loss Statement and the Balance Sheet. */
      periodicity: z.enum(['Monthly', 'Quarterly', 'Half-Yearly', 'Yearly']).default('Yearly'),
      maxRows: z.number().int().min(1).max(MAX_REPORT_ROWS).default(100),
    })
    .refine((p) => p.fromDate <= p.toDate, { message: 'fromDate must not be after toDate', path: ['toDate'] }),
  entityKey: (p) => `company:${p.company.toLowerCase()}`,
  succeeded: {
    type: 'erp.financial-report.generated',
    payload: z.strictObject({
      commandId: z.uuid(),
      reportType: z.enum(reportTypes),
      reportName: z.string().max(140),
      company: z.string().max(140),
      fromDate: z.iso.date(),
      toDate: z.iso.date(),
      columns: z.array(z.strictObject({ fieldname: z.string().max(140), label: z.string().max(280), fieldtype: z.string().max(40).nullable() })).max(200),
      /** Rows keyed by column fieldname. */
      rows: z.array(z.record(z.string().max(140), cell)).max(MAX_REPORT_ROWS),
      totalRows: z.number().int().nonnegative(),
      /** Rows left out of `rows` (over maxRows, or over the event's size budget). */
      truncated: z.number().int().nonnegative(),
    }),
  },
});

/** Every erp.* message. */
export const erpMessages = messagesByType(
  ...definitionsOf(erpCustomerCreate),
  ...definitionsOf(erpCustomerGet),
  ...definitionsOf(erpCustomerUpdate),
  ...definitionsOf(erpSalesOrderCreate),
  ...definitionsOf(erpSalesOrderGet),
  ...definitionsOf(erpSalesOrderUpdateStatus),
  ...definitionsOf(erpInventoryCheck),
  ...definitionsOf(erpStockEntryCreate),
  ...definitionsOf(erpStockBalanceGet),
  ...definitionsOf(erpFinancialReportGenerate),
);

/** The commands erp-worker handles (its subscription's filter; each needs an @EventPattern handler). */
export const erpWorkerCommands = [
  erpCustomerCreate.command.type,
  erpCustomerGet.command.type,
  erpCustomerUpdate.command.type,
  erpSalesOrderCreate.command.type,
  erpSalesOrderGet.command.type,
  erpSalesOrderUpdateStatus.command.type,
  erpInventoryCheck.command.type,
  erpStockEntryCreate.command.type,
  erpStockBalanceGet.command.type,
  erpFinancialReportGenerate.command.type,
] as const;
