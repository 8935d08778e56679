import { z } from 'zod';
import { Topics } from '../topics/topics';
import { defineMessage } from './define-message';

const customerName = z.string().trim().min(1).max(140);

export const erpCustomerCreate = defineMessage({
  type: 'erp.customer.create',
  kind: 'command',
  topic: Topics.erpCommands,
  version: 1,
  payload: z.strictObject({
    /** Natural key: ERPNext names a Customer after customer_name, and we look it up before creating. */
    customerName,
    customerType: z.enum(['Company', 'Individual']).default('Company'),
    customerGroup: z.string().min(1).max(140).optional(),
    territory: z.string().min(1).max(140).optional(),
    email: z.email().optional(),
    taxId: z.string().min(1).max(140).optional(),
  }),
  entityKey: (p) => `customer:${p.customerName.toLowerCase()}`,
});

export const erpCustomerCreated = defineMessage({
  type: 'erp.customer.created',
  kind: 'event',
  topic: Topics.erpEvents,
  version: 1,
  payload: z.strictObject({
    commandId: z.uuid(),
    customerName,
    /** The ERPNext document name (`Customer/<name>`). */
    erpName: z.string().min(1),
    /** True when a Customer with the same natural key already existed and nothing was created. */
    alreadyExisted: z.boolean(),
  }),
  entityKey: (p) => `customer:${p.customerName.toLowerCase()}`,
});

export const erpCustomerCreateFailed = defineMessage({
  type: 'erp.customer.create.failed',
  kind: 'event',
  topic: Topics.erpEvents,
  version: 1,
  payload: z.strictObject({
    commandId: z.uuid(),
    customerName,
    code: z.string().min(1),
    message: z.string(),
  }),
  entityKey: (p) => `customer:${p.customerName.toLowerCase()}`,
});
