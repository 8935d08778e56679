import { contentKind, MAX_DEPTH, parsePayload } from './payload.parser';

describe('contentKind', () => {
  it.each([
    ['application/json', 'json'],
    ['Application/JSON; charset=utf-8', 'json'],
    ['application/vnd.api+json', 'json'],
    ['application/x-www-form-urlencoded', 'form'],
    ['text/plain', undefined],
    ['multipart/form-data; boundary=x', undefined],
    [undefined, undefined],
    ['', undefined],
  ])('%j → %j', (header, kind) => expect(contentKind(header)).toBe(kind));
});

describe('parsePayload', () => {
  it('parses JSON and form bodies, unwrapping a JSON payload field', () => {
    expect(parsePayload(Buffer.from('{"a":[1,{"b":null}]}'), 'json')).toEqual({ ok: true, value: { a: [1, { b: null }] }, json: '{"a":[1,{"b":null}]}' });
    expect(parsePayload(Buffer.from('token=x&team_id=T1&command=%2Fdeploy'), 'form')).toEqual({ ok: true, value: { token: 'x', team_id: 'T1', command: '/deploy' } });
    expect(parsePayload(Buffer.from(`payload=${encodeURIComponent('{"type":"block_actions"}')}`), 'form')).toEqual({ ok: true, value: { type: 'block_actions' } });
  });

  it('refuses prototype-pollution keys, and a form field named __proto__ stays a plain field', () => {
    expect(parsePayload(Buffer.from('{"__proto__":{"polluted":true}}'), 'json')).toMatchObject({ ok: false });
    expect(parsePayload(Buffer.from('{"constructor":{"prototype":{"polluted":true}}}'), 'json')).toMatchObject({ ok: false });
    // Spelled with escapes, which JSON.parse decodes into the same key.
    expect(parsePayload(Buffer.from('{"\\u005f_proto__":{"polluted":true}}'), 'json')).toMatchObject({ ok: false });
    expect(parsePayload(Buffer.from('{"a":{"\\u0063onstructor":{"prototype":{"polluted":true}}}}'), 'json')).toMatchObject({ ok: false });
    expect(parsePayload(Buffer.from('{"text":"caf\\u00e9","constructor":"a plain value"}'), 'json')).toMatchObject({ ok: true, value: { text: 'café', constructor: 'a plain value' } });
    const form = parsePayload(Buffer.from('__proto__=x&a=1'), 'form');
    expect(form.ok && Object.getPrototypeOf(form.value)).toBe(Object.prototype);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('refuses invalid UTF-8, malformed JSON and nesting past the limit, without throwing', () => {
    expect(parsePayload(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), 'json')).toEqual({ ok: false, reason: 'the body is not valid UTF-8' });
    expect(parsePayload(Buffer.from('{"a":'), 'json')).toMatchObject({ ok: false, reason: expect.stringContaining('invalid JSON') });
    expect(parsePayload(Buffer.from(' '.repeat(1_000_000)), 'json')).toMatchObject({ ok: false });
    const deep = '['.repeat(MAX_DEPTH + 1) + ']'.repeat(MAX_DEPTH + 1);
    expect(parsePayload(Buffer.from(deep), 'json')).toMatchObject({ ok: false, reason: expect.stringContaining('nested deeper') });
    const veryDeep = '['.repeat(1_000_000);
    expect(parsePayload(Buffer.from(veryDeep), 'json')).toMatchObject({ ok: false });
    const okDeep = '['.repeat(MAX_DEPTH) + ']'.repeat(MAX_DEPTH);
    expect(parsePayload(Buffer.from(okDeep), 'json')).toMatchObject({ ok: true });
  });

  it('drops a leading UTF-8 byte order mark', () => {
    expect(parsePayload(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]), 'json')).toEqual({ ok: true, value: { a: 1 }, json: '{"a":1}' });
  });

  it('does not count brackets inside strings, or side by side, as nesting', () => {
    const text = JSON.stringify({ s: '['.repeat(500) + '\\"{' });
    expect(parsePayload(Buffer.from(text), 'json')).toMatchObject({ ok: true });
    const wide = JSON.stringify({ rows: Array.from({ length: 1_000 }, (_, i) => ({ i, tags: [] })) });
    expect(parsePayload(Buffer.from(wide), 'json')).toMatchObject({ ok: true });
    const deepInWide = JSON.stringify({ rows: Array.from({ length: 200 }, () => ({})), deep: JSON.parse('['.repeat(MAX_DEPTH) + ']'.repeat(MAX_DEPTH)) as unknown });
    expect(parsePayload(Buffer.from(deepInWide), 'json')).toMatchObject({ ok: false, reason: expect.stringContaining('nested deeper') });
  });
});
