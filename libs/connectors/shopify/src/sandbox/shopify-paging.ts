/**
 * Shopify's relative cursor pagination: `page_info` is an opaque base64 JSON cursor carrying the filters
 * of the first request, the last id seen and a direction; the `Link` header offers next/previous.
 */
export interface PageCursor {
  /** The first request's filters (a page_info request may not repeat or change them). */
  filters: Record<string, string>;
  last_id: number;
  direction: 'next' | 'prev';
}

export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

export function decodeCursor(pageInfo: string): PageCursor | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(pageInfo, 'base64url').toString('utf8')) as Partial<PageCursor>;
    if (typeof parsed.last_id !== 'number' || (parsed.direction !== 'next' && parsed.direction !== 'prev')) return undefined;
    if (parsed.filters === null || typeof parsed.filters !== 'object') return undefined;
    return parsed as PageCursor;
  } catch {
    return undefined;
  }
}

export interface Page<T> {
  items: T[];
  next?: PageCursor;
  previous?: PageCursor;
}

/**
 * One page of `rows` (already filtered and in listing order), starting after/before the cursor's id.
 * `position(id)` gives a row's index in that order.
 */
export function paginate<T extends { id: number }>(rows: T[], limit: number, filters: Record<string, string>, cursor?: PageCursor): Page<T> {
  let start = 0;
  let end = Math.min(rows.length, limit);
  if (cursor) {
    const at = rows.findIndex((r) => r.id === cursor.last_id);
    // A cursor whose row vanished starts over at the edge it pointed towards, rather than failing.
    if (cursor.direction === 'next') {
      start = at < 0 ? rows.length : at + 1;
      end = Math.min(rows.length, start + limit);
    } else {
      end = at < 0 ? 0 : at;
      start = Math.max(0, end - limit);
    }
  }
  const items = rows.slice(start, end);
  const first = items[0];
  const last = items[items.length - 1];
  return {
    items,
    next: last && end < rows.length ? { filters, last_id: last.id, direction: 'next' } : undefined,
    previous: first && start > 0 ? { filters, last_id: first.id, direction: 'prev' } : undefined,
  };
}

/** `<url?limit=N&page_info=X>; rel="next", <…>; rel="previous"`, or undefined on a single page. */
export function linkHeader(base: string, limit: string | null, page: Page<unknown>): string | undefined {
  const link = (cursor: PageCursor, rel: string) => {
    const params = new URLSearchParams();
    if (limit !== null) params.set('limit', limit);
    params.set('page_info', encodeCursor(cursor));
    return `<${base}?${params.toString()}>; rel="${rel}"`;
  };
  const parts = [page.previous && link(page.previous, 'previous'), page.next && link(page.next, 'next')].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : undefined;
}
