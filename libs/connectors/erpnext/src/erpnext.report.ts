/**
 * `frappe.desk.query_report.run` answers `{ columns, result, message?, chart?, report_summary?, … }`. Columns are
 * dicts on modern reports and "Label:Fieldtype/Options:Width" strings on older ones; a Prepared Report answers
 * `{ prepared_report: true, doc }` instead of rows.
 */
import type { ErpNextReport, ErpNextReportColumn } from './erpnext.types';

/** frappe.scrub: "Grand Total" → "grand_total". */
export function scrub(label: string): string {
  return label.trim().replace(/[\s-]+/g, '_').toLowerCase();
}

function column(raw: unknown): ErpNextReportColumn | undefined {
  if (typeof raw === 'string') {
    const [label = '', type] = raw.split(':');
    const fieldtype = type?.split('/')[0];
    return { fieldname: scrub(label), label, ...(fieldtype ? { fieldtype } : {}) };
  }
  if (raw && typeof raw === 'object') {
    const c = raw as Record<string, unknown>;
    const label = typeof c.label === 'string' ? c.label : typeof c.fieldname === 'string' ? c.fieldname : undefined;
    if (label === undefined) return undefined;
    const fieldname = typeof c.fieldname === 'string' ? c.fieldname : scrub(label);
    return { fieldname, label, ...(typeof c.fieldtype === 'string' ? { fieldtype: c.fieldtype } : {}) };
  }
  return undefined;
}

export function normalizeReport(message: unknown): ErpNextReport | 'prepared' | undefined {
  if (!message || typeof message !== 'object') return undefined;
  const m = message as Record<string, unknown>;
  if (m.prepared_report === true || m.prepared_report === 1) return 'prepared';
  if (!Array.isArray(m.columns) || !Array.isArray(m.result)) return undefined;
  const columns = m.columns.map(column);
  if (columns.some((c) => c === undefined)) return undefined;
  return { columns: columns as ErpNextReportColumn[], result: m.result as unknown[] };
}
