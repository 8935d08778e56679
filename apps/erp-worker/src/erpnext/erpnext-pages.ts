import type { ErpNextCallOptions, ErpNextDoc, ErpNextListQuery, ErpNextPort } from '@junction/connectors/erpnext';

/**
 * Every row of a list, page after page, on any ErpNextPort (ErpNextClient.listAllDocs is REST-only: the port, which
 * an MCP server also implements, has listDocs alone). Same paging as that method: a stable order by default (so no
 * row is skipped or repeated between pages), until a short page.
 */
export async function listAllDocs<T = ErpNextDoc>(
  port: ErpNextPort,
  doctype: string,
  query: Omit<ErpNextListQuery, 'limit' | 'start'>,
  options: ErpNextCallOptions,
  pageSize: number,
): Promise<T[]> {
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError('pageSize must be a positive integer');
  const all: T[] = [];
  for (let start = 0; ; start += pageSize) {
    const page = await port.listDocs<T>(doctype, { orderBy: 'creation asc, name asc', ...query, limit: pageSize, start }, options);
    all.push(...page);
    if (page.length < pageSize) return all;
  }
}
