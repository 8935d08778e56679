import { JsonataEvaluator, MappingError, shopifyOrdersCreateRoute } from '@junction/webhooks';
import { CompiledRoutesCache } from './compiled-routes.cache';

describe('CompiledRoutesCache', () => {
  const evaluator = new JsonataEvaluator();
  const cache = new CompiledRoutesCache(evaluator);
  afterAll(() => cache.onApplicationShutdown());

  const row = (updatedAt: string, routes: unknown = [shopifyOrdersCreateRoute]) => ({ id: 'shop-1', updatedAt: new Date(updatedAt), routes });

  it('compiles an endpoint once per version of its row', () => {
    const first = cache.for(row('2025-01-01T00:00:00Z'));
    expect(first.map((r) => r.name)).toEqual(['shopify-orders-to-erp']);
    expect(cache.for(row('2025-01-01T00:00:00Z'))).toBe(first);
    const changed = cache.for(row('2025-01-01T00:00:01Z', [{ ...shopifyOrdersCreateRoute, name: 'renamed' }]));
    expect(changed).not.toBe(first);
    expect(changed.map((r) => r.name)).toEqual(['renamed']);
  });

  it('turns stored routes that fail the schema into a MappingError naming the endpoint', () => {
    const error = (() => {
      try {
        cache.for(row('2025-01-02T00:00:00Z', [{ ...shopifyOrdersCreateRoute, command: 'no.such.command' }]));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(MappingError);
    expect(error).toMatchObject({ code: 'MAPPING_FAILED', retryable: false, message: expect.stringMatching(/^endpoint shop-1: stored routes are invalid: 0\.command: /) });
  });

  it('turns a stored route that does not compile into a MappingError naming the route, and does not cache it', () => {
    const broken = row('2025-01-03T00:00:00Z', [{ ...shopifyOrdersCreateRoute, mapping: '(' }]);
    expect(() => cache.for(broken)).toThrow(MappingError);
    expect(() => cache.for(broken)).toThrow(/^endpoint shop-1: route "shopify-orders-to-erp": mapping does not compile/);
  });
});
