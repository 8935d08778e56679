import { compileRoutes } from './compile-routes';
import { JsonataEvaluator } from './jsonata.evaluator';
import type { RouteRule } from './route-rule';
import { RouteCompileError } from './routing.errors';

const rule = (over: Partial<RouteRule> = {}): RouteRule => ({
  name: 'r1',
  eventTypes: ['orders/*'],
  command: 'erp.customer.create',
  mapping: '{"customerName": name, "customerType": "Company"}',
  ...over,
});

describe('compileRoutes', () => {
  const evaluator = new JsonataEvaluator();
  afterAll(() => evaluator.close());

  it('compiles each rule into a matcher and an evaluation', async () => {
    const [route] = compileRoutes([rule()], { evaluator });
    expect(route).toMatchObject({ name: 'r1', command: 'erp.customer.create', eventTypes: ['orders/*'] });
    expect(route!.matches('orders/create')).toBe(true);
    expect(route!.matches('products/create')).toBe(false);
    expect(await route!.evaluate({ name: 'Acme' }, {})).toEqual({ ok: true, value: { customerName: 'Acme', customerType: 'Company' } });
  });

  it('matches when any of the globs matches', () => {
    const [route] = compileRoutes([rule({ eventTypes: ['orders/create', 'orders/paid'] })], { evaluator });
    expect(['orders/create', 'orders/paid', 'orders/updated'].map((t) => route!.matches(t))).toEqual([true, true, false]);
  });

  it('rejects a syntax error naming the route and the position', () => {
    const rules = [rule(), rule({ name: 'broken-route', mapping: '{"customerName": name,, "x": 1}' })];
    let error: unknown;
    try {
      compileRoutes(rules, { evaluator });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RouteCompileError);
    expect(error).toMatchObject({ route: 'broken-route', code: 'VALIDATION_FAILED', retryable: false, syntax: { code: 'S0211', position: 23 } });
    expect((error as Error).message).toMatch(/^route "broken-route": mapping does not compile: .+ \(at character 23\)$/);
  });

  it.each([
    ['an unclosed block', '( $a := 1'],
    ['an unterminated string', '"abc'],
    ['an unknown operator', 'a ^^ b'],
  ])('rejects %s', (_name, mapping) => {
    expect(() => compileRoutes([rule({ mapping })], { evaluator })).toThrow(RouteCompileError);
  });

  it('does not evaluate anything while compiling (a runaway is only found when run)', () => {
    const started = performance.now();
    compileRoutes([rule({ mapping: '($x := function(){ $x() }; $x())' })], { evaluator });
    expect(performance.now() - started).toBeLessThan(50);
  });
});
