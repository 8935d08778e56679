import { JsonataEvaluator } from './jsonata.evaluator';

const REDOS = '$match("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", /(a+)+$/)';

/** Times an evaluation and counts how often a 10 ms timer ran meanwhile (the app's event loop stays free). */
async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number; ticks: number }> {
  let ticks = 0;
  const interval = setInterval(() => ticks++, 10);
  const started = performance.now();
  try {
    const result = await run();
    return { result, ms: performance.now() - started, ticks };
  } finally {
    clearInterval(interval);
  }
}

describe('JsonataEvaluator', () => {
  const evaluator = new JsonataEvaluator({ timeoutMs: 200, maxDepth: 500, maxSequence: 100_000, maxOutputChars: 10_000 });
  // Boot the worker outside the timed tests.
  beforeAll(() => evaluator.evaluate('1', {}, {}));
  afterAll(() => evaluator.close());

  it('evaluates against the input with bindings and gives back plain data', async () => {
    const out = await evaluator.evaluate('{"ref": $event.id & "/" & name, "total": $sum(items.price)}', { name: 'n', items: [{ price: 1 }, { price: 2.5 }] }, { event: { id: 'e1' } });
    expect(out).toEqual({ ok: true, value: { ref: 'e1/n', total: 3.5 } });
    expect(Object.getPrototypeOf((out as { value: object }).value)).toBe(Object.prototype);
  });

  it('returns undefined for an expression that yields nothing', async () => {
    expect(await evaluator.evaluate('missing.path', { a: 1 }, {})).toEqual({ ok: true, value: undefined });
  });

  it('reports JSONata errors with code and position', async () => {
    expect(await evaluator.evaluate('$number("x") + 1', {}, {})).toMatchObject({ ok: false, code: 'D3030' });
    expect(await evaluator.evaluate('1 + "a"', {}, {})).toMatchObject({ ok: false, code: 'T2002', position: expect.any(Number) });
  });

  // Each of these ran for seconds, or forever, under jsonata 2.2.2 without limits.
  const runaways: [string, string, string][] = [
    ['a self-calling function (a tail call: trampolined, never deepens)', '($x := function(){ $x() }; $x())', 'D1012'],
    ['a counting loop', '($loop := function($i){ $i < 1e12 ? $loop($i + 1) : $i }; $loop(0))', 'D1012'],
    ['nested ranges', '$count($map([1..100000], function($i){ [1..1000] }))', 'D1012'],
    ['a catastrophic regex (native: JSONata cannot interrupt it)', REDOS, 'TIMEOUT'],
    ['a huge native string build', '$length($pad("", 100000000))', 'TIMEOUT'],
  ];
  it.each(runaways)('stops %s at the time limit without blocking the event loop', async (_name, source, code) => {
    await evaluator.evaluate('1', {}, {}); // time the cut-off, not the boot of a worker the previous case stopped
    const { result, ms, ticks } = await timed(() => evaluator.evaluate(source, {}, {}));
    expect(result).toMatchObject({ ok: false, code });
    expect(ms).toBeGreaterThanOrEqual(190);
    expect(ms).toBeLessThan(600);
    expect(ticks).toBeGreaterThanOrEqual(5);
  });

  it('fails deep non-tail recursion on the depth limit, at once', async () => {
    await evaluator.evaluate('1', {}, {}); // a worker stopped by the previous test boots again first
    const { result, ms } = await timed(() => evaluator.evaluate('($f := function($n){ 1 + $f($n + 1) }; $f(0))', {}, {}));
    expect(result).toMatchObject({ ok: false, code: 'D1011' });
    expect(ms).toBeLessThan(150);
  });

  it('fails a range over the sequence limit without building it', async () => {
    expect(await evaluator.evaluate('$count([1..1000000])', {}, {})).toMatchObject({ ok: false, code: 'D2015' });
  });

  it('replaces a stopped worker and runs queued evaluations on the new one', async () => {
    const [stopped, after] = await Promise.all([evaluator.evaluate(REDOS, {}, {}), evaluator.evaluate('$uppercase(s)', { s: 'ok' }, {})]);
    expect(stopped).toMatchObject({ ok: false, code: 'TIMEOUT' });
    expect(after).toEqual({ ok: true, value: 'OK' });
  });

  it('runs concurrent evaluations one at a time, each with its own input', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => evaluator.evaluate('n * 2', { n: i }, {})));
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => ({ ok: true, value: i * 2 })));
  });

  it('rejects a result larger than the output limit', async () => {
    expect(await evaluator.evaluate('$pad("", 20000, "x")', {}, {})).toMatchObject({ ok: false, code: 'OUTPUT_TOO_LARGE' });
  });

  it('rejects a function as a result', async () => {
    expect(await evaluator.evaluate('function($x){ $x }', {}, {})).toMatchObject({ ok: false, code: 'NOT_DATA' });
    expect(await evaluator.evaluate('$uppercase', {}, {})).toMatchObject({ ok: false, code: 'NOT_DATA' });
    expect(await evaluator.evaluate('{"a": 1, "f": function($x){ $x }}', {}, {})).toEqual({ ok: true, value: { a: 1 } });
  });

  it('drops __proto__, constructor and prototype keys from input and result, so no prototype leaks', async () => {
    const input = JSON.parse('{"__proto__": {"customerName": "smuggled"}, "constructor": {"prototype": {"x": 1}}, "keep": 1}');
    expect(await evaluator.evaluate('$', input, {})).toEqual({ ok: true, value: { keep: 1 } });
    expect(await evaluator.evaluate('$merge([{"a": 1}, $])', input, {})).toEqual({ ok: true, value: { a: 1, keep: 1 } });
    const made = await evaluator.evaluate('{"__proto__": {"customerName": "smuggled"}, "constructor": 1, "a": {"prototype": 2, "b": 3}}', {}, {});
    expect(made).toEqual({ ok: true, value: { a: { b: 3 } } });
    const value = (made as { value: Record<string, unknown> }).value;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(value.customerName).toBeUndefined();
  });

  it('leaves no state behind for the next evaluation', async () => {
    // A transform that tries to patch a prototype; whatever it does, the next evaluation must not see it.
    await evaluator.evaluate('{} ~> |$|{"__proto__": {"leak": 1}}|', {}, {});
    expect(await evaluator.evaluate('{}.leak', {}, {})).toEqual({ ok: true, value: undefined });
    expect(await evaluator.evaluate('$string({"a": [1, "b", true, null]})', {}, {})).toEqual({ ok: true, value: '{"a":[1,"b",true,null]}' });
  });
});
