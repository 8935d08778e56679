/**
 * The subset of `frappe.get_list` the sandbox serves: fields, filters (list and dict form), order_by and
 * paging. Comparisons are case-insensitive and ignore trailing spaces because Frappe sites run on MariaDB
 * with a *_ci collation (PAD SPACE): `customer_name = 'acme'` finds "Acme" on a real site too.
 */
import { FrappeErrors, type FrappeError } from './frappe-responses';

export type Doc = Record<string, unknown>;
type Predicate = (doc: Doc) => boolean;

export interface ListQuery {
  fields: string[];
  filters: Predicate[];
  orderBy: { field: string; desc: boolean }[];
  start: number;
  /** 0 = no limit. */
  pageLength: number;
}

export class QueryError extends Error {
  constructor(readonly frappe: FrappeError) {
    super(frappe.body.exc_type);
  }
}

const OPERATORS = ['=', '!=', 'like', 'not like', 'in', 'not in', '>', '<', '>=', '<=', 'is'] as const;

function norm(value: unknown): string {
  if (value === null || value === undefined) return '';
  return String(value).toLowerCase().replace(/ +$/, '');
}

function compare(a: unknown, b: unknown): number {
  const na = Number(a);
  const nb = Number(b);
  if (a !== '' && b !== '' && a !== null && b !== null && !Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  return norm(a) < norm(b) ? -1 : norm(a) > norm(b) ? 1 : 0;
}

function likeToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('')
    .map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'is');
}

function listValue(value: unknown): string[] {
  const items = Array.isArray(value) ? value : String(value ?? '').split(',');
  return items.map((v) => norm(typeof v === 'string' ? v.trim() : v));
}

function predicate(field: string, rawOp: unknown, value: unknown): Predicate {
  const op = String(rawOp).toLowerCase() as (typeof OPERATORS)[number];
  switch (op) {
    case '=':
      return (d) => compare(d[field], value) === 0;
    case '!=':
      return (d) => compare(d[field], value) !== 0;
    case 'like':
    case 'not like': {
      const re = likeToRegExp(String(value ?? ''));
      return op === 'like' ? (d) => re.test(String(d[field] ?? '')) : (d) => !re.test(String(d[field] ?? ''));
    }
    case 'in':
    case 'not in': {
      const set = new Set(listValue(value));
      return op === 'in' ? (d) => set.has(norm(d[field])) : (d) => !set.has(norm(d[field]));
    }
    case '>':
      return (d) => compare(d[field], value) > 0;
    case '<':
      return (d) => compare(d[field], value) < 0;
    case '>=':
      return (d) => compare(d[field], value) >= 0;
    case '<=':
      return (d) => compare(d[field], value) <= 0;
    case 'is':
      return String(value).toLowerCase() === 'set'
        ? (d) => norm(d[field]) !== ''
        : (d) => norm(d[field]) === '';
    default:
      throw new QueryError(
        FrappeErrors.validation(`Operator must be one of ${OPERATORS.join(', ')}`, 'ValidationError'),
      );
  }
}

function parseJsonParam(name: string, raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    // frappe.parse_json lets json.loads raise; nothing catches it, so the site answers 500.
    throw new QueryError(FrappeErrors.internal('JSONDecodeError', `invalid JSON in ${name}`));
  }
}

export function parseFilters(raw: string | null): Predicate[] {
  if (raw === null || raw === '') return [];
  const parsed = parseJsonParam('filters', raw);
  if (Array.isArray(parsed)) {
    return parsed.map((f: unknown) => {
      if (!Array.isArray(f) || f.length < 3) {
        throw new QueryError(FrappeErrors.validation('Filter must be a tuple or list (in a list)'));
      }
      // [doctype, field, op, value] is accepted too; the doctype is the one being listed.
      const [field, op, value] = f.length >= 4 ? f.slice(1, 4) : f;
      return predicate(String(field), op, value);
    });
  }
  if (parsed !== null && typeof parsed === 'object') {
    return Object.entries(parsed).map(([field, v]) =>
      Array.isArray(v) ? predicate(field, v[0], v[1]) : predicate(field, '=', v),
    );
  }
  throw new QueryError(FrappeErrors.validation('Filters must be a list or a dict'));
}

function parseOrderBy(raw: string | null): ListQuery['orderBy'] {
  const spec = raw && raw.trim() !== '' ? raw : 'creation desc';
  return spec.split(',').map((part) => {
    const [col, dir] = part.trim().split(/\s+/);
    const field = (col ?? 'creation').replace(/`/g, '').replace(/^tab[^.]*\./, '');
    return { field, desc: (dir ?? 'asc').toLowerCase() === 'desc' };
  });
}

function intParam(raw: string | null, fallback: number): number {
  if (raw === null || raw === '') return fallback;
  const n = Number.parseInt(raw, 10);
  return Number.isNaN(n) || n < 0 ? fallback : n;
}

export function parseListQuery(params: URLSearchParams): ListQuery {
  const rawFields = params.get('fields');
  const fields = rawFields ? parseJsonParam('fields', rawFields) : ['name'];
  if (!Array.isArray(fields) || fields.some((f) => typeof f !== 'string')) {
    throw new QueryError(FrappeErrors.validation('fields must be a list of field names'));
  }
  return {
    fields: fields as string[],
    filters: parseFilters(params.get('filters')),
    orderBy: parseOrderBy(params.get('order_by')),
    start: intParam(params.get('limit_start'), 0),
    pageLength: intParam(params.get('limit_page_length') ?? params.get('limit'), 20),
  };
}

/** `seq` breaks ties so that equal timestamps still sort in insertion order, as auto-increment rows would. */
export function runListQuery(docs: Doc[], query: ListQuery, seq: (d: Doc) => number): Doc[] {
  const matching = docs.filter((d) => query.filters.every((p) => p(d)));
  matching.sort((a, b) => {
    for (const { field, desc } of query.orderBy) {
      const c = compare(a[field], b[field]);
      if (c !== 0) return desc ? -c : c;
    }
    const last = query.orderBy[query.orderBy.length - 1];
    return last?.desc ? seq(b) - seq(a) : seq(a) - seq(b);
  });
  const page = query.pageLength === 0 ? matching.slice(query.start) : matching.slice(query.start, query.start + query.pageLength);
  const all = query.fields.includes('*');
  return page.map((d) => (all ? { ...d } : Object.fromEntries(query.fields.map((f) => [f, d[f] ?? null]))));
}
