import { z } from 'zod';
import { Topics } from '../topics/topics';
import { defineCommand } from './define-command';

const money = z.number().finite().nonnegative();
const externalRef = z.string().trim().min(1).max(140);
/** An ERPNext Sales Order document name (`SAL-ORD-2025-00001`). */
const erpName = z.string().trim().min(1).max(140);
const docstatus = z.union([z.literal(0), z.literal(1), z.literal(2)]);
const MAX_ITEMS = 500;

/**
 * Which Sales Order a command means: the ERPNext name, or our natural key (`externalRef`, stored in the order's
 * `po_no`, e.g. `shopify:<order id>`). Exactly one.
 */
const salesOrderRef = {
  erpName: erpName.optional(),
  externalRef: externalRef.optional(),
};
const oneRef = (p: { erpName?: string; externalRef?: string }) => (p.erpName === undefined) !== (p.externalRef === undefined);
const oneRefMessage = { message: 'name the Sales Order by erpName or by externalRef (exactly one)' };
const orderKey = (p: { erpName?: string; externalRef?: string }) =>
  p.externalRef !== undefined ? `sales-order:${p.externalRef.toLowerCase()}` : `sales-order:${(p.erpName ?? '').toLowerCase()}`;

/**
 * Create a Sales Order in ERPNext (a draft: submit it with erp.sales-order.update-status). `externalRef` is the
 * natural key (e.g. `shopify:<order id>`), written to the order's `po_no`: the worker looks it up before creating,
 * so a repeated command never creates a second order. A customer the order names that ERPNext does not know is
 * created first (looked up by customer_name, like erp.customer.create). Items must exist in ERPNext (Item codes).
 * The shipped Shopify route (libs/webhooks … shopify-orders-create.route.ts) produces this payload.
 */
export const erpSalesOrderCreate = defineCommand({
  type: 'erp.sales-order.create',
  topic: Topics.erpCommands,
  eventTopic: Topics.erpEvents,
  payload: z.strictObject({
    externalRef,
    customerName: z.string().trim().min(1).max(140),
    /** ISO date (YYYY-MM-DD). */
    transactionDate: z.iso.date(),
    deliveryDate: z.iso.date(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR'),
    email: z.email().optional(),
    items: z
      .array(
        z.strictObject({
          itemCode: z.string().trim().min(1).max(140),
          itemName: z.string().trim().min(1).max(140).optional(),
          qty: z.number().positive(),
          rate: money,
        }),
      )
      .min(1)
      .max(MAX_ITEMS),
    /** Order total as the source system computed it, for reconciliation. */
    grandTotal: money.optional(),
  }),
  entityKey: (p) => `customer:${p.customerName.toLowerCase()}`,
  succeeded: {
    type: 'erp.sales-order.created',
    payload: z.strictObject({
      commandId: z.uuid(),
      externalRef,
      /** The ERPNext document name (`SAL-ORD-…`). */
      erpName,
      /** The ERPNext Customer the order is for (its document name). */
      customer: z.string().min(1).max(140),
      /** True when the Customer did not exist and this command created it. */
      customerCreated: z.boolean(),
      /** True when an order with this externalRef already existed and nothing was created. */
      alreadyExisted: z.boolean(),
      docstatus,
      /** ERPNext's grand total, to reconcile with the command's. */
      grandTotal: z.number().finite().nullable(),
    }),
  },
});

/** Read a Sales Order: header, status and lines (at most 500 lines in the event; `itemsTruncated` says how many more). */
export const erpSalesOrderGet = defineCommand({
  type: 'erp.sales-order.get',
  topic: Topics.erpCommands,
  eventTopic: Topics.erpEvents,
  payload: z.strictObject(salesOrderRef).refine(oneRef, oneRefMessage),
  entityKey: orderKey,
  succeeded: {
    type: 'erp.sales-order.retrieved',
    payload: z.strictObject({
      commandId: z.uuid(),
      erpName,
      externalRef: z.string().max(140).nullable(),
      customer: z.string().max(140).nullable(),
      /** ERPNext's workflow status: Draft, To Deliver and Bill, Completed, Closed, Cancelled … */
      status: z.string().max(140).nullable(),
      docstatus,
      transactionDate: z.string().max(40).nullable(),
      deliveryDate: z.string().max(40).nullable(),
      currency: z.string().max(10).nullable(),
      grandTotal: z.number().finite().nullable(),
      perDelivered: z.number().finite().nullable(),
      perBilled: z.number().finite().nullable(),
      items: z
        .array(
          z.strictObject({
            itemCode: z.string().max(140),
            itemName: z.string().max(140).nullable(),
            qty: z.number().finite(),
            rate: z.number().finite().nullable(),
            amount: z.number().finite().nullable(),
            deliveredQty: z.number().finite().nullable(),
            warehouse: z.string().max(140).nullable(),
          }),
        )
        .max(MAX_ITEMS),
      itemsTruncated: z.number().int().nonnegative(),
    }),
  },
});

export const SALES_ORDER_ACTIONS = ['submit', 'cancel', 'close'] as const;

/**
 * Move a Sales Order along: submit (draft → submitted), cancel (submitted → cancelled), close (submitted → Closed).
 * Idempotent: an order already in the target state is reported with `alreadyInState`, nothing is sent to ERPNext.
 * A transition ERPNext does not allow (cancel a draft, submit a cancelled order) answers `.failed` (PROVIDER_VALIDATION).
 */
export const erpSalesOrderUpdateStatus = defineCommand({
  type: 'erp.sales-order.update-status',
  topic: Topics.erpCommands,
  eventTopic: Topics.erpEvents,
  payload: z.strictObject({ ...salesOrderRef, action: z.enum(SALES_ORDER_ACTIONS) }).refine(oneRef, oneRefMessage),
  entityKey: orderKey,
  succeeded: {
    type: 'erp.sales-order.status-updated',
    payload: z.strictObject({
      commandId: z.uuid(),
      erpName,
      action: z.enum(SALES_ORDER_ACTIONS),
      docstatus,
      status: z.string().max(140).nullable(),
      /** True when the order was already there (a repeated command, or someone did it in ERPNext). */
      alreadyInState: z.boolean(),
    }),
  },
});
