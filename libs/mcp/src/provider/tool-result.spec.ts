import { firstText, readErrorMeta, structuredOutput, withoutUndefined } from './tool-result';

const text = (value: string) => ({ type: 'text', text: value });

describe('reading a tools/call result (provider adapters)', () => {
  it('structuredOutput: structuredContent first, else the first text block parsed as JSON, else undefined', () => {
    expect(structuredOutput({ content: [text('{"a":2}')], structuredContent: { a: 1 } })).toEqual({ a: 1 });
    expect(structuredOutput({ content: [{ type: 'image', data: '' }, text('{"a":2}'), text('{"a":3}')] })).toEqual({ a: 2 });
    expect(structuredOutput({ content: [text('[1,2]')] })).toEqual([1, 2]);
    expect(structuredOutput({ content: [text('not json')] })).toBeUndefined();
    expect(structuredOutput({ content: [] })).toBeUndefined();
    expect(firstText({ content: 'not a list' as unknown as unknown[] })).toBeUndefined();
  });

  it('readErrorMeta keeps only what reads as ours: a known class, a numeric status, a non-negative retryAfterMs', () => {
    expect(readErrorMeta({ content: [], _meta: { errorClass: 'rate_limit', httpStatus: 429, retryAfterMs: 1_500 } })).toEqual({ errorClass: 'rate_limit', status: 429, retryAfterMs: 1_500 });
    expect(readErrorMeta({ content: [], _meta: { errorClass: 'teapot', httpStatus: '429', retryAfterMs: -1 } })).toEqual({ errorClass: undefined, status: undefined, retryAfterMs: undefined });
    expect(readErrorMeta({ content: [] })).toEqual({ errorClass: undefined, status: undefined, retryAfterMs: undefined });
  });

  it('withoutUndefined drops unset arguments and keeps null, 0 and false', () => {
    expect(withoutUndefined({ a: undefined, b: null, c: 0, d: false })).toEqual({ b: null, c: 0, d: false });
    expect(Object.keys(withoutUndefined({ a: undefined }))).toEqual([]);
  });
});
