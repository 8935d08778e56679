import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENV_SECRET, fakeRuntime, run, SECRET, STDIN_SECRET } from '../cli.test-kit';

describe('junction CLI: endpoints', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'junction-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('add builds the create input from every flag, takes secrets from flag, env and stdin, and prints none of them', async () => {
    const routeFile = join(dir, 'routes.json');
    writeFileSync(routeFile, JSON.stringify({ name: 'r1', eventTypes: ['orders/*'], command: 'erp.sales-order.create', mapping: '$' }));
    const { code, stdout, stderr, fake } = await run(
      ['endpoints', 'add', '--provider', 'shopify', '--scheme', 'shopify', '--id', 'my-shop', '--secret', SECRET, '--secret-env', 'SHOP_SECRET', '--secret-stdin',
        '--tolerance', '120', '--future-tolerance', '30', '--body-limit', '65536', '--rate', '2.5', '--burst', '10', '--description', 'the shop',
        '--route-file', routeFile, '--example-route', 'shopify-orders-to-erp', '--tenant', 'acme'],
      { env: { SHOP_SECRET: ENV_SECRET }, stdin: `${STDIN_SECRET}\n` },
    );

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(fake.endpoints.create).toHaveBeenCalledWith({ tenantId: 'acme', actor: 'cli' }, {
      id: 'my-shop', provider: 'shopify', scheme: 'shopify', secrets: [SECRET, ENV_SECRET, STDIN_SECRET], description: 'the shop',
      toleranceSeconds: 120, futureToleranceSeconds: 30, bodyLimitBytes: 65_536, rateLimit: { perSecond: 2.5, burst: 10 },
      routes: [expect.objectContaining({ name: 'r1' }), expect.objectContaining({ name: 'shopify-orders-to-erp', command: 'erp.sales-order.create' })],
    });
    expect(stdout).toContain('POST /webhooks/shopify/my-shop');
    for (const secret of [SECRET, ENV_SECRET, STDIN_SECRET]) expect(stdout + stderr).not.toContain(secret);
  });

  it('--json prints the view as one JSON document, without secrets', async () => {
    const { code, stdout } = await run(['--json', 'endpoints', 'add', '--provider', 'shopify', '--scheme', 'shopify', '--secret', SECRET]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ id: 'my-shop', url: '/webhooks/shopify/my-shop', secrets: [{ id: 'sec-1', active: true }] });
    expect(stdout).not.toContain(SECRET);
  });

  it('generic-hmac options come from --scheme-options JSON', async () => {
    const options = { signatureHeader: 'x-sig', algorithm: 'sha256', encoding: 'hex' };
    const { code, fake } = await run(['endpoints', 'add', '--provider', 'acme', '--scheme', 'generic-hmac', '--secret', SECRET, '--scheme-options', JSON.stringify(options)]);
    expect(code).toBe(0);
    expect(fake.endpoints.create.mock.calls[0]).toEqual([expect.anything(), expect.objectContaining({ scheme: 'generic-hmac', schemeOptions: options })]);
  });

  it.each([
    [['endpoints', 'add', '--scheme', 'shopify', '--secret', SECRET], /missing --provider/],
    [['endpoints', 'add', '--provider', 'p', '--scheme', 'shopify'], /give a secret/],
    [['endpoints', 'add', '--provider', 'p', '--scheme', 'shopify', '--secret', SECRET, '--rate', '5'], /--rate and --burst go together/],
    [['endpoints', 'add', '--provider', 'p', '--scheme', 'shopify', '--secret', SECRET, '--tolerance', '5m'], /--tolerance must be a whole number/],
    [['endpoints', 'add', '--provider', 'p', '--scheme', 'shopify', '--secret', SECRET, '--scheme-options', '{x'], /--scheme-options: .* not valid JSON/],
    [['endpoints', 'add', '--provider', 'p', '--scheme', 'shopify', '--secret', SECRET, '--example-route', 'nope'], /no such example \(shopify-orders-to-erp\)/],
    [['endpoints', 'add', '--provider', 'p', '--scheme', 'shopify', '--secret', SECRET, '--route-file', '/nonexistent/routes.json'], /--route-file .*ENOENT/],
    [['endpoints', 'add', '--provider', 'p', '--scheme', 'shopify', '--secret-env', 'UNSET_VARIABLE'], /--secret-env UNSET_VARIABLE: the variable is not set/],
    [['endpoints', 'add', '--provider', 'p', '--scheme', 'shopify', '--secret-stdin'], /stdin held no secret/],
    [['endpoints', 'add', '--provider', 'p', '--scheme', 'shopify', '--secret', SECRET, '--sekret', 'x'], /Unknown option '--sekret'/],
    [['endpoints', 'show'], /missing id/],
    [['endpoints', 'rotate-secret', 'my-shop', SECRET], /takes 1 argument\(s\), got 2/],
    [['endpoints', 'rotate-secret', 'my-shop', '--secret', SECRET, '--secret', ENV_SECRET], /exactly one new secret/],
    [['endpoints', 'frobnicate'], /unknown command "endpoints frobnicate"/],
  ])('%j is a usage error (exit 64, one line, no secret, nothing run)', async (argv, message) => {
    const { code, stdout, stderr, fake } = await run(argv);
    expect(code).toBe(64);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^junction: USAGE: .+\n$/);
    expect(stderr).toMatch(message);
    expect(stderr).not.toContain(SECRET);
    expect(fake.runtime.endpoints).not.toHaveBeenCalled();
  });

  it('list prints a table; show, enable, disable and remove-secret call the service for the tenant from TENANT_ID', async () => {
    const list = await run(['endpoints', 'list'], { env: { TENANT_ID: 'acme' } });
    expect(list.stdout.split('\n')[0]).toMatch(/^ID\s+PROVIDER\s+SCHEME\s+STATUS\s+SECRETS\s+ROUTES\s+URL PATH$/);
    expect(list.stdout).toMatch(/gh\s+github\s+github\s+disabled\s+1\s+0\s+\/webhooks\/github\/gh/);
    expect(list.fake.endpoints.list).toHaveBeenCalledWith({ tenantId: 'acme', actor: 'cli' });

    const fake = fakeRuntime();
    expect((await run(['endpoints', 'show', 'my-shop'], { fake })).stdout).toContain('sec-1  created 2025-01-01T00:00:00Z  active');
    expect((await run(['endpoints', 'disable', 'my-shop'], { fake })).stdout).toContain('status       disabled');
    await run(['endpoints', 'enable', 'my-shop'], { fake });
    await run(['endpoints', 'remove-secret', 'my-shop', 'sec-1'], { fake });
    expect(fake.endpoints.get).toHaveBeenCalledWith({ tenantId: 'default', actor: 'cli' }, 'my-shop');
    expect(fake.endpoints.update.mock.calls.map((c) => c[2])).toEqual([{ disabled: true }, { disabled: false }]);
    expect(fake.endpoints.removeSecret).toHaveBeenCalledWith(expect.anything(), 'my-shop', 'sec-1');
  });

  it('rotate-secret passes the one new secret and the expiry of the previous ones (never: null)', async () => {
    const fake = fakeRuntime();
    const first = await run(['endpoints', 'rotate-secret', 'my-shop', '--secret-stdin', '--expire-previous-after', '3600'], { fake, stdin: `${STDIN_SECRET}\r\n` });
    await run(['endpoints', 'rotate-secret', 'my-shop', '--secret-env', 'S', '--expire-previous-after', 'never'], { fake, env: { S: ENV_SECRET } });
    await run(['endpoints', 'rotate-secret', 'my-shop', '--secret', SECRET], { fake });
    expect(fake.endpoints.addSecret.mock.calls.map((c) => c[2])).toEqual([
      { secret: STDIN_SECRET, expirePreviousAfterSeconds: 3600 },
      { secret: ENV_SECRET, expirePreviousAfterSeconds: null },
      { secret: SECRET },
    ]);
    expect(first.stdout).toContain('Added secret sec-2');
    expect(first.stdout).not.toContain(STDIN_SECRET);
  });

  it('remove prints what it removed; --json says so in JSON', async () => {
    expect((await run(['endpoints', 'remove', 'my-shop'])).stdout).toBe('Removed webhook endpoint my-shop and its secrets.\n');
    expect(JSON.parse((await run(['endpoints', 'remove', 'my-shop', '--json'])).stdout)).toEqual({ id: 'my-shop', removed: true });
  });
});
