import { compileRoutes } from './compile-routes';
import { JsonataEvaluator } from './jsonata.evaluator';
import { mapEvent, type ReceivedWebhook } from './map-event';
import type { RouteRule } from './route-rule';
import { MappingError } from './routing.errors';

const customer = (name: string, mapping: string, eventTypes = ['orders/*']): RouteRule => ({ name, eventTypes, command: 'erp.customer.create', mapping });

const event = (over: Partial<ReceivedWebhook> = {}): ReceivedWebhook => ({
  endpointId: 'shop-1',
  provider: 'shopify',
  eventType: 'orders/create',
  eventId: 'evt-1',
  receivedAt: '2025-01-02T03:04:05.000Z',
  headers: { 'x-shopify-shop-domain': 'acme.myshopify.com' },
  payload: { customer: 'Acme GmbH', names: ['A', 'B', 'C'] },
  ...over,
});

/** The MappingError mapEvent throws, for assertions on it. */
async function mappingError(promise: Promise<unknown>): Promise<MappingError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MappingError);
  return error as MappingError;
}

describe('mapEvent', () => {
  const evaluator = new JsonataEvaluator({ timeoutMs: 250, maxDepth: 500, maxSequence: 100_000, maxOutputChars: 1_000_000 });
  const routes = (...rules: RouteRule[]) => compileRoutes(rules, { evaluator });
  beforeAll(() => evaluator.evaluate('1', {}, {}));
  afterAll(() => evaluator.close());

  it('maps the payload of a matching route into a parsed command payload', async () => {
    const mapped = await mapEvent(routes(customer('one', '{"customerName": "  " & customer & "  ", "customerType": "Company"}')), event());
    // Parsed by the contract: its output (trimmed), not the raw mapping result.
    expect(mapped).toEqual([{ route: 'one', command: 'erp.customer.create', payload: { customerName: 'Acme GmbH', customerType: 'Company' } }]);
  });

  it('binds $event to the envelope of the received webhook', async () => {
    const mapping = '{"customerName": $event.provider & "|" & $event.id & "|" & $event.type & "|" & $event.endpointId & "|" & $event.receivedAt & "|" & $event.headers."x-shopify-shop-domain", "customerType": "Company"}';
    const [mapped] = await mapEvent(routes(customer('env', mapping)), event());
    expect(mapped!.payload).toMatchObject({ customerName: 'shopify|evt-1|orders/create|shop-1|2025-01-02T03:04:05.000Z|acme.myshopify.com' });
  });

  it('yields nothing when no route matches, and skips routes that do not match', async () => {
    expect(await mapEvent(routes(customer('other', '{"customerName": "x", "customerType": "Company"}', ['products/*'])), event())).toEqual([]);
    const mapped = await mapEvent(
      routes(customer('skipped', '$error("must not run")', ['refunds/*']), customer('run', '{"customerName": "x", "customerType": "Company"}')),
      event(),
    );
    expect(mapped.map((m) => m.route)).toEqual(['run']);
  });

  it('lets a route decide to produce nothing, one command or many, in rule order', async () => {
    const mapped = await mapEvent(
      routes(
        customer('none', 'missing ? {"customerName": missing, "customerType": "Company"}'),
        customer('many', 'names.{"customerName": $, "customerType": "Individual"}'),
        customer('empty', '[]'),
        customer('single', '{"customerName": "last", "customerType": "Company"}'),
      ),
      event(),
    );
    expect(mapped.map((m) => [m.route, (m.payload as { customerName: string }).customerName])).toEqual([
      ['many', 'A'],
      ['many', 'B'],
      ['many', 'C'],
      ['single', 'last'],
    ]);
  });

  it('fails with MAPPING_FAILED naming the route and the first issues when the contract rejects the result', async () => {
    const error = await mappingError(mapEvent(routes(customer('bad-shape', '{"customerName": "", "customerType": "Nope", "extra": 1}')), event()));
    expect(error).toMatchObject({ code: 'MAPPING_FAILED', retryable: false, route: 'bad-shape' });
    expect(error.message).toMatch(/^route "bad-shape": erp\.customer\.create payload rejected: /);
    expect(error.message).toMatch(/customerName: /);
    expect(error.message).toMatch(/customerType: /);
    expect(error.message).toMatch(/extra/);
  });

  it('names which of several results the contract rejected', async () => {
    const error = await mappingError(mapEvent(routes(customer('list', '[{"customerName": "ok", "customerType": "Company"}, {"customerName": 7}]')), event()));
    expect(error.message).toMatch(/^route "list": erp\.customer\.create payload \[1\] rejected: customerName: /);
  });

  it('fails with MAPPING_FAILED when the expression throws, with JSONata code and position', async () => {
    const error = await mappingError(mapEvent(routes(customer('throws', '{"customerName": $number(customer)}')), event()));
    expect(error).toMatchObject({ code: 'MAPPING_FAILED', retryable: false, route: 'throws' });
    expect(error.message).toMatch(/^route "throws": mapping failed at character \d+: D3030: /);
  });

  it('fails a runaway expression fast with MAPPING_FAILED', async () => {
    const started = performance.now();
    const error = await mappingError(mapEvent(routes(customer('runaway', '($x := function(){ $x() }; $x())')), event()));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(error).toMatchObject({ code: 'MAPPING_FAILED', retryable: false, route: 'runaway' });
    expect(error.message).toMatch(/D1012: Evaluation timeout after 250 milliseconds/);
  });

  it('fails a native runaway (catastrophic regex) fast with MAPPING_FAILED', async () => {
    const started = performance.now();
    const error = await mappingError(mapEvent(routes(customer('redos', '{"customerName": $match(customer & "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", /(a+)+$/).match}')), event()));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(error.message).toMatch(/^route "redos": mapping failed: TIMEOUT: /);
  });

  it('caps the commands one event may produce, across routes', async () => {
    const each = (n: number) => `[1..${n}].{"customerName": "c" & $, "customerType": "Company"}`;
    expect(await mapEvent(routes(customer('a', each(60)), customer('b', each(40))), event())).toHaveLength(100);
    const error = await mappingError(mapEvent(routes(customer('a', each(60)), customer('b', each(41))), event()));
    expect(error).toMatchObject({ code: 'MAPPING_FAILED', route: 'b' });
    expect(error.message).toMatch(/more than 100 commands/);
    await expect(mapEvent(routes(customer('a', each(3))), event(), { maxCommands: 2 })).rejects.toThrow(/more than 2 commands/);
  });

  it('keeps __proto__ and constructor keys in the payload from reaching a command', async () => {
    const payload = JSON.parse(
      '{"customerName": "Acme", "customerType": "Company", "__proto__": {"customerGroup": "Smuggled"}, "constructor": {"prototype": {"customerGroup": "Smuggled"}}}',
    );
    // Pass-through mappings, as a careless route would write them. $merge copies by assignment: on the raw
    // payload its result's prototype becomes {customerGroup: "Smuggled"}, and zod reads inherited properties.
    const mapped = await mapEvent(
      routes(customer('passthrough', '$'), customer('merge', '$merge([$])'), customer('reach', '$merge([$, $.__proto__, $.constructor.prototype])')),
      event({ payload }),
    );
    expect(mapped).toHaveLength(3);
    for (const { payload: p } of mapped) {
      expect(p).toEqual({ customerName: 'Acme', customerType: 'Company' });
      expect((p as Record<string, unknown>).customerGroup).toBeUndefined();
      expect(Object.getPrototypeOf(p)).toBe(Object.prototype);
    }
    expect(({} as Record<string, unknown>).customerGroup).toBeUndefined();
  });

  it('drops a __proto__ key the mapping writes itself', async () => {
    const mapped = await mapEvent(routes(customer('literal', '{"customerName": "Acme", "customerType": "Company", "__proto__": {"customerGroup": "Smuggled"}}')), event());
    expect(mapped[0]!.payload).toEqual({ customerName: 'Acme', customerType: 'Company' });
  });
});
