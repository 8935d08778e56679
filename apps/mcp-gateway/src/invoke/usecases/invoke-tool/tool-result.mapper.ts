import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** The contract's caps on `mcp.tool.invoked`: content blocks in all (UTF-8 JSON bytes), and their number. */
export const MAX_CONTENT_BYTES = 256 * 1024;
export const MAX_CONTENT_BLOCKS = 1_000;
/** Room kept for the notice that says what was cut. */
const NOTICE_BYTES = 512;

type Block = Record<string, unknown>;

export interface CappedResult {
  readonly content: Block[];
  readonly structuredContent?: Record<string, unknown>;
  /** True when anything was cut or dropped (the last content block then says what). */
  readonly truncated: boolean;
}

/**
 * A tool result within the contract's caps: content blocks kept in order while they fit in 256 KiB and 1,000
 * blocks; a text block that does not fit is shortened to the room left, any other block that does not fit is
 * dropped with the rest, and a final text block says what was cut. `structuredContent` is kept when it fits in the
 * same budget on its own (it usually repeats a text block), else dropped and said so: the event must stay a size the
 * bus carries, and a consumer must never mistake a cut result for a whole one.
 */
export function capToolResult(result: CallToolResult): CappedResult {
  const blocks = result.content as unknown as Block[];
  const structured = result.structuredContent;
  const keepStructured = structured !== undefined && bytes(structured) <= MAX_CONTENT_BYTES;
  const fits = blocks.length <= MAX_CONTENT_BLOCKS && bytes(blocks) <= MAX_CONTENT_BYTES;
  if (fits && (structured === undefined || keepStructured)) return { content: blocks, ...(structured ? { structuredContent: structured } : {}), truncated: false };

  const content: Block[] = [];
  let used = 0;
  let cut = 0;
  for (const [index, block] of blocks.entries()) {
    const size = bytes(block);
    if (content.length < MAX_CONTENT_BLOCKS - 1 && used + size <= MAX_CONTENT_BYTES - NOTICE_BYTES) {
      content.push(block);
      used += size;
      continue;
    }
    const room = MAX_CONTENT_BYTES - NOTICE_BYTES - used;
    if (block.type === 'text' && typeof block.text === 'string' && content.length < MAX_CONTENT_BLOCKS - 1 && room > 64) {
      const text = shorten(block.text, room - (size - Buffer.byteLength(JSON.stringify(block.text))));
      content.push({ ...block, text });
      used += bytes(content.at(-1)!);
    }
    cut = blocks.length - index;
    break;
  }
  const droppedStructured = structured !== undefined && !keepStructured;
  const parts = [
    ...(cut > 0 ? [`content cut at ${MAX_CONTENT_BYTES} bytes / ${MAX_CONTENT_BLOCKS} blocks: ${blocks.length} block(s) sent, the last ${cut} shortened or dropped`] : []),
    ...(droppedStructured ? [`structuredContent dropped (over ${MAX_CONTENT_BYTES} bytes)`] : []),
  ];
  content.push({ type: 'text', text: `[junction: result truncated: ${parts.join('; ')}]` });
  return { content, ...(keepStructured ? { structuredContent: structured } : {}), truncated: true };
}

function bytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}

/** At most `maxBytes` of JSON-escaped text, cut on a character boundary. */
function shorten(text: string, maxBytes: number): string {
  if (maxBytes <= 2) return '';
  let low = 0;
  let high = text.length;
  // Binary search on the prefix length: escaping makes the byte count non-linear in characters.
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (Buffer.byteLength(JSON.stringify(text.slice(0, mid))) <= maxBytes) low = mid;
    else high = mid - 1;
  }
  // Never end on half of a surrogate pair.
  const end = low > 0 && /[\uD800-\uDBFF]/.test(text[low - 1]!) ? low - 1 : low;
  return text.slice(0, end);
}
