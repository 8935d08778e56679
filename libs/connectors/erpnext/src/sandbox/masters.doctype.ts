/** Master data: Company (seeded, read-only here), Item and Warehouse (seeded, insertable), Customer. */
import { buildCustomer, CUSTOMER_FIELDS, type CustomerRules } from './customer.doctype';
import { FrappeErrors } from './frappe-responses';
import { QueryError, type Doc } from './frappe-query';
import { fail, isBlank, LinkCheck, num, pick, requireFields, type DocTypeContext, type DocTypeSpec } from './doctype';

export const UOMS = ['Nos', 'Unit', 'Box', 'Kg', 'Litre', 'Meter', 'Hour', 'Pair', 'Set'];
export const ITEM_GROUPS = ['All Item Groups', 'Products', 'Raw Material', 'Services', 'Sub Assemblies', 'Consumable'];
export const CURRENCIES = ['USD', 'EUR', 'GBP', 'CHF', 'INR', 'JPY', 'CAD', 'AUD'];

const ITEM_FIELDS = ['item_code', 'item_name', 'item_group', 'stock_uom', 'is_stock_item', 'description', 'standard_rate', 'valuation_rate', 'disabled'] as const;

export function companySpec(): DocTypeSpec {
  return { doctype: 'Company', readOnly: true };
}

export function itemSpec(): DocTypeSpec {
  return {
    doctype: 'Item',
    insert(body, ctx) {
      const doc: Doc = { item_group: 'All Item Groups', stock_uom: 'Nos', is_stock_item: 1, disabled: 0, standard_rate: 0, valuation_rate: 0, ...pick(body, ITEM_FIELDS) };
      new LinkCheck(ctx).among(ITEM_GROUPS, 'Item Group', doc.item_group).among(UOMS, 'UOM', doc.stock_uom).throwIfAny();
      requireFields('Item', doc, [['item_code', 'Item Code'], ['item_group', 'Item Group'], ['stock_uom', 'Default Unit of Measure']]);
      doc.item_code = String(doc.item_code).trim();
      if (isBlank(doc.item_name)) doc.item_name = doc.item_code;
      doc.is_stock_item = num(doc.is_stock_item) ? 1 : 0;
      doc.standard_rate = num(doc.standard_rate);
      doc.valuation_rate = num(doc.valuation_rate);
      // Item is named by item_code ("Item Naming By" = Item Code): a second one is a primary-key clash.
      const taken = ctx.get('Item', String(doc.item_code));
      if (taken) throw new QueryError(FrappeErrors.duplicate('Item', String(taken.name)));
      doc.name = doc.item_code;
      return { doc };
    },
    save(merged) {
      if (isBlank(merged.item_name)) fail('Error: Value missing for Item: Item Name', 'MandatoryError');
      return merged;
    },
  };
}

export function warehouseSpec(): DocTypeSpec {
  return {
    doctype: 'Warehouse',
    insert(body, ctx) {
      const doc: Doc = { company: ctx.company.name, is_group: 0, disabled: 0, parent_warehouse: `All Warehouses - ${ctx.company.abbr}`, ...pick(body, ['warehouse_name', 'company', 'is_group', 'disabled', 'warehouse_type']) };
      new LinkCheck(ctx).link('Company', 'Company', doc.company).throwIfAny();
      requireFields('Warehouse', doc, [['warehouse_name', 'Warehouse Name'], ['company', 'Company']]);
      const abbr = String(ctx.get('Company', String(doc.company))!.abbr);
      // Warehouse.autoname appends the company abbreviation.
      const name = `${String(doc.warehouse_name).trim()} - ${abbr}`;
      const taken = ctx.get('Warehouse', name);
      if (taken) throw new QueryError(FrappeErrors.duplicate('Warehouse', String(taken.name)));
      doc.name = name;
      return { doc };
    },
  };
}

export function customerSpec(rules: CustomerRules): DocTypeSpec {
  return {
    doctype: 'Customer',
    insert(body, ctx) {
      const built = buildCustomer(
        body,
        rules,
        (name) => ctx.get('Customer', name)?.name as string | undefined,
        () => ctx.all('Customer').map((d) => String(d.name)),
      );
      const doc: Doc = {
        naming_series: null,
        customer_group: null,
        territory: null,
        email_id: null,
        mobile_no: null,
        tax_id: null,
        website: null,
        lead_name: null,
        default_currency: null,
        ...built.doc,
      };
      return { doc, messages: built.messages };
    },
    save(merged) {
      // Same field rules as on insert; renaming is a separate action (frappe.client.rename_doc), so name stays.
      const { doc } = buildCustomer(pick(merged, CUSTOMER_FIELDS), { ...rules, duplicateNaming: 'suffix' }, () => undefined, () => []);
      return { ...merged, ...doc, name: merged.name };
    },
  };
}

/** Seeded master data of a fresh sandbox site. */
export function seedMasters(ctx: DocTypeContext, insert: (doctype: string, doc: Doc) => void): void {
  const { name: company, abbr } = ctx.company;
  insert('Company', { name: company, company_name: company, abbr, default_currency: ctx.company.default_currency, country: 'United States' });
  for (const [warehouse_name, is_group] of [['All Warehouses', 1], ['Stores', 0], ['Finished Goods', 0], ['Work In Progress', 0]] as const) {
    insert('Warehouse', {
      name: `${warehouse_name} - ${abbr}`,
      warehouse_name,
      company,
      is_group,
      disabled: 0,
      parent_warehouse: is_group ? null : `All Warehouses - ${abbr}`,
    });
  }
  const items: Array<[string, string, string, number, number, number]> = [
    ['SKU-001', 'Widget', 'Products', 1, 25, 10],
    ['SKU-002', 'Gadget', 'Products', 1, 120, 60],
    ['SKU-003', 'Gizmo Kit', 'Sub Assemblies', 1, 49.5, 20],
    ['RM-STEEL', 'Steel Sheet', 'Raw Material', 1, 8, 5],
    ['SVC-INSTALL', 'Installation Service', 'Services', 0, 150, 0],
  ];
  for (const [item_code, item_name, item_group, is_stock_item, standard_rate, valuation_rate] of items) {
    insert('Item', {
      name: item_code,
      item_code,
      item_name,
      item_group,
      stock_uom: is_stock_item ? 'Nos' : 'Hour',
      is_stock_item,
      disabled: 0,
      standard_rate,
      valuation_rate,
      description: item_name,
    });
  }
}
