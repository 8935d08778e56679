import type { CrmObject } from './crm-objects';

/** The operators HubSpot's search API accepts that this sandbox implements. */
export const SEARCH_OPERATORS = ['EQ', 'NEQ', 'GT', 'GTE', 'LT', 'LTE', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'IN', 'NOT_IN'] as const;
export type SearchOperator = (typeof SEARCH_OPERATORS)[number];

export interface SearchFilter {
  propertyName: string;
  operator: SearchOperator;
  value?: string;
  values?: string[];
}

export interface SearchQuery {
  filterGroups: { filters: SearchFilter[] }[];
  sorts: { propertyName: string; direction: 'ASCENDING' | 'DESCENDING' }[];
  properties?: string[];
  limit: number;
  after: number;
}

/** HubSpot's documented search limits. */
export const SEARCH_LIMITS = { maxGroups: 5, maxFiltersPerGroup: 6, maxFilters: 18, maxLimit: 200, maxResults: 10_000 };

export class SearchQueryError extends Error {}

/** Parses and checks a search body; throws SearchQueryError with HubSpot-like wording. */
export function parseSearch(body: Record<string, unknown>): SearchQuery {
  const groups = body.filterGroups ?? [];
  if (!Array.isArray(groups)) throw new SearchQueryError('filterGroups must be an array');
  if (groups.length > SEARCH_LIMITS.maxGroups) throw new SearchQueryError(`Too many filter groups (${groups.length}); at most ${SEARCH_LIMITS.maxGroups} are allowed`);
  let total = 0;
  const filterGroups = groups.map((g: unknown) => {
    const filters = (g as { filters?: unknown }).filters;
    if (!Array.isArray(filters)) throw new SearchQueryError('each filter group needs a filters array');
    if (filters.length > SEARCH_LIMITS.maxFiltersPerGroup) throw new SearchQueryError(`Too many filters in a group; at most ${SEARCH_LIMITS.maxFiltersPerGroup} are allowed`);
    total += filters.length;
    return { filters: filters.map(parseFilter) };
  });
  if (total > SEARCH_LIMITS.maxFilters) throw new SearchQueryError(`Too many filters (${total}); at most ${SEARCH_LIMITS.maxFilters} are allowed`);

  const limit = body.limit === undefined ? 10 : Number(body.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_LIMITS.maxLimit) throw new SearchQueryError(`limit must be between 1 and ${SEARCH_LIMITS.maxLimit}`);
  const after = body.after === undefined ? 0 : Number(body.after);
  if (!Number.isInteger(after) || after < 0) throw new SearchQueryError('after must be a non-negative integer offset');

  const rawSorts = Array.isArray(body.sorts) ? (body.sorts as unknown[]) : [];
  const sorts = rawSorts.map((s) => {
    // HubSpot accepts both {propertyName, direction} and the shorthand "-amount"/"amount".
    if (typeof s === 'string') return { propertyName: s.replace(/^-/, ''), direction: s.startsWith('-') ? ('DESCENDING' as const) : ('ASCENDING' as const) };
    const o = s as { propertyName?: unknown; direction?: unknown };
    if (typeof o.propertyName !== 'string') throw new SearchQueryError('sort needs a propertyName');
    if (o.direction !== undefined && o.direction !== 'ASCENDING' && o.direction !== 'DESCENDING') throw new SearchQueryError(`Unknown sort direction ${String(o.direction)}`);
    return { propertyName: o.propertyName, direction: (o.direction ?? 'ASCENDING') as 'ASCENDING' | 'DESCENDING' };
  });
  const properties = Array.isArray(body.properties) ? body.properties.map(String) : undefined;
  return { filterGroups, sorts, properties, limit, after };
}

function parseFilter(f: unknown): SearchFilter {
  const o = (f ?? {}) as Record<string, unknown>;
  if (typeof o.propertyName !== 'string') throw new SearchQueryError('filter needs a propertyName');
  if (!SEARCH_OPERATORS.includes(o.operator as SearchOperator)) throw new SearchQueryError(`Unknown operator ${String(o.operator)}`);
  const op = o.operator as SearchOperator;
  const values = Array.isArray(o.values) ? o.values.map(String) : undefined;
  if ((op === 'IN' || op === 'NOT_IN') && !values) throw new SearchQueryError(`${op} needs values`);
  if (op !== 'HAS_PROPERTY' && op !== 'NOT_HAS_PROPERTY' && op !== 'IN' && op !== 'NOT_IN' && o.value === undefined) {
    throw new SearchQueryError(`${op} needs a value`);
  }
  return { propertyName: o.propertyName, operator: op, value: o.value === undefined ? undefined : String(o.value as string | number), values };
}

/** Numbers compare numerically, ISO dates by instant (HubSpot accepts epoch ms for dates), else strings. */
function compare(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (a !== '' && b !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  const da = toEpoch(a);
  const db = toEpoch(b);
  if (da !== undefined && db !== undefined) return da - db;
  return a.toLowerCase().localeCompare(b.toLowerCase());
}

function toEpoch(v: string): number | undefined {
  if (/^\d{10,}$/.test(v)) return Number(v);
  if (!/^\d{4}-\d\d-\d\d/.test(v)) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

function matches(obj: CrmObject, f: SearchFilter): boolean {
  const v = f.propertyName === 'hs_object_id' ? obj.id : obj.properties[f.propertyName];
  const has = v !== null && v !== undefined && v !== '';
  switch (f.operator) {
    case 'HAS_PROPERTY':
      return has;
    case 'NOT_HAS_PROPERTY':
      return !has;
    case 'IN':
      return has && f.values!.some((x) => x.toLowerCase() === v.toLowerCase());
    case 'NOT_IN':
      return !has || !f.values!.some((x) => x.toLowerCase() === v.toLowerCase());
    case 'EQ':
      return has && compare(v, f.value!) === 0;
    case 'NEQ':
      return !has || compare(v, f.value!) !== 0;
    case 'GT':
      return has && compare(v, f.value!) > 0;
    case 'GTE':
      return has && compare(v, f.value!) >= 0;
    case 'LT':
      return has && compare(v, f.value!) < 0;
    case 'LTE':
      return has && compare(v, f.value!) <= 0;
  }
}

/** Groups are ORed, filters within a group ANDed; no groups = everything. Ties sort by id (stable paging). */
export function runSearch(objects: CrmObject[], q: SearchQuery): { total: number; page: CrmObject[]; nextAfter?: number } {
  const hits = objects.filter((o) => !o.archived && (q.filterGroups.length === 0 || q.filterGroups.some((g) => g.filters.every((f) => matches(o, f)))));
  hits.sort((a, b) => {
    for (const s of q.sorts) {
      const av = s.propertyName === 'hs_object_id' ? a.id : (a.properties[s.propertyName] ?? '');
      const bv = s.propertyName === 'hs_object_id' ? b.id : (b.properties[s.propertyName] ?? '');
      const c = compare(av, bv);
      if (c !== 0) return s.direction === 'DESCENDING' ? -c : c;
    }
    return Number(a.id) - Number(b.id);
  });
  const reachable = hits.slice(0, SEARCH_LIMITS.maxResults);
  const page = reachable.slice(q.after, q.after + q.limit);
  const next = q.after + q.limit;
  return { total: hits.length, page, nextAfter: next < reachable.length ? next : undefined };
}
