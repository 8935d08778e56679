import { z } from 'zod';
import { Topics } from '../topics/topics';
import { defineMessage } from './define-message';

const money = z.number().finite().nonnegative();

/**
 * Create a Sales Order in ERPNext. `externalRef` is the natural key (e.g. `shopify:<order id>`): the worker
 * looks it up before creating, so a repeated command never creates a second order.
 */
export const erpSalesOrderCreate = defineMessage({
  type: 'erp.sales-order.create',
  kind: 'command',
  topic: Topics.erpCommands,
  version: 1,
  payload: z.strictObject({
    externalRef: z.string().trim().min(1).max(140),
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
      .min(1),
    /** Order total as the source system computed it, for reconciliation. */
    grandTotal: money.optional(),
  }),
  entityKey: (p) => `customer:${p.customerName.toLowerCase()}`,
});
