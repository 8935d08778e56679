import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { mcpToolInvoke } from '@junction/contracts';
import { capToolResult, MAX_CONTENT_BLOCKS, MAX_CONTENT_BYTES } from './tool-result.mapper';

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
/** The event the handler would publish, through the contract's own schema. */
const event = (result: CallToolResult) => {
  const capped = capToolResult(result);
  return mcpToolInvoke.succeeded.payload.parse({
    commandId: '00000000-0000-4000-8000-000000000001',
    connection: 'c',
    tool: 't',
    content: capped.content,
    ...(capped.structuredContent ? { structuredContent: capped.structuredContent } : {}),
    latencyMs: 1,
  });
};

describe('capToolResult', () => {
  it('passes a result within the caps unchanged', () => {
    const result: CallToolResult = { content: [{ type: 'text', text: 'Echo: hi' }, { type: 'image', data: 'AAAA', mimeType: 'image/png' }], structuredContent: { sum: 5 } };
    expect(capToolResult(result)).toEqual({ content: result.content, structuredContent: { sum: 5 }, truncated: false });
  });

  it('shortens the text block that crosses 256 KiB, drops the rest, and says so', () => {
    const big = 'x'.repeat(200 * 1024);
    const result: CallToolResult = { content: [{ type: 'text', text: big }, { type: 'text', text: big }, { type: 'image', data: 'AAAA', mimeType: 'image/png' }] };
    const capped = capToolResult(result);
    expect(capped.truncated).toBe(true);
    expect(bytes(capped.content)).toBeLessThanOrEqual(MAX_CONTENT_BYTES);
    expect(capped.content).toHaveLength(3);
    expect((capped.content[1] as { text: string }).text.length).toBeGreaterThan(50 * 1024);
    expect(capped.content.at(-1)).toEqual({ type: 'text', text: expect.stringMatching(/^\[junction: result truncated: .*3 block\(s\) sent, the last 2 shortened or dropped/) });
    expect(() => event(result)).not.toThrow();
  });

  it('cuts multi-byte text on a character boundary within the byte budget', () => {
    const result: CallToolResult = { content: [{ type: 'text', text: '😀é"\n'.repeat(100_000) }] };
    const capped = capToolResult(result);
    const text = (capped.content[0] as { text: string }).text;
    expect(bytes(capped.content)).toBeLessThanOrEqual(MAX_CONTENT_BYTES);
    expect(text).not.toMatch(/[\uD800-\uDBFF]$/);
    expect(text.length).toBeGreaterThan(0);
  });

  it('keeps at most 1,000 blocks, the last one saying what was cut', () => {
    const result: CallToolResult = { content: Array.from({ length: 1_500 }, (_, i) => ({ type: 'text' as const, text: String(i) })) };
    const capped = capToolResult(result);
    expect(capped.content).toHaveLength(MAX_CONTENT_BLOCKS);
    expect(capped.content.at(-1)).toMatchObject({ text: expect.stringContaining('1500 block(s) sent') });
    expect(() => event(result)).not.toThrow();
  });

  it('drops a structuredContent over 256 KiB and says so', () => {
    const capped = capToolResult({ content: [{ type: 'text', text: 'ok' }], structuredContent: { blob: 'y'.repeat(300 * 1024) } });
    expect(capped.structuredContent).toBeUndefined();
    expect(capped.content).toEqual([{ type: 'text', text: 'ok' }, { type: 'text', text: expect.stringContaining('structuredContent dropped') }]);
  });
});
