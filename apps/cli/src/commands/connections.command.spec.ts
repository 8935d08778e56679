import { fakeRuntime, run } from '../cli.test-kit';

const CREDENTIAL = { apiKey: 'cli-key-PLAINTEXT', apiSecret: 'cli-secret-PLAINTEXT' };
const ID = '0b6c2f0e-4a4e-4d4a-9a43-7d7f1e0c0001';

describe('junction CLI: connections and integration-types', () => {
  it('add takes the credential from --credential-env (JSON), passes every flag to the service for the tenant, and prints no secret', async () => {
    const { code, stdout, stderr, fake } = await run(
      ['connections', 'add', '--type', 'erpnext', '--name', 'main site', '--auth', 'api_key', '--config', '{"baseUrl":"https://erp.example.com"}', '--credential-env', 'ERP_CREDENTIAL', '--not-default', '--tenant', 'acme'],
      { env: { ERP_CREDENTIAL: JSON.stringify(CREDENTIAL) } },
    );
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(fake.connections.create).toHaveBeenCalledWith({ tenantId: 'acme', actor: 'cli' }, { type: 'erpnext', name: 'main site', authMethod: 'api_key', config: { baseUrl: 'https://erp.example.com' }, credential: CREDENTIAL, isDefault: false });
    expect(stdout).toContain(`Next: junction connections test ${ID}`);
    expect(stdout + stderr).not.toContain('PLAINTEXT');
  });

  it('rotate-credential reads the credential from stdin; --json prints the view without it', async () => {
    const { code, stdout, fake } = await run(['--json', 'connections', 'rotate-credential', ID, '--credential-stdin', '--expires-at', '2030-01-01T00:00:00Z'], { stdin: `${JSON.stringify(CREDENTIAL)}\n` });
    expect(code).toBe(0);
    expect(fake.connections.rotateCredential).toHaveBeenCalledWith({ tenantId: 'default', actor: 'cli' }, ID, { credential: CREDENTIAL, expiresAt: '2030-01-01T00:00:00Z' });
    expect(JSON.parse(stdout)).toMatchObject({ id: ID, hasCredential: true });
    expect(stdout).not.toContain('PLAINTEXT');
  });

  it.each([
    [['connections', 'add', '--type', 'erpnext', '--name', 'x', '--credential', JSON.stringify(CREDENTIAL)], /Unknown option '--credential'/],
    [['connections', 'add', '--type', 'erpnext', '--name', 'x', '--credential-env', 'UNSET_VARIABLE'], /--credential-env UNSET_VARIABLE: the variable is not set/],
    [['connections', 'add', '--type', 'erpnext', '--name', 'x', '--credential-env', 'BROKEN'], /--credential-env BROKEN: the credential is not valid JSON/],
    [['connections', 'add', '--type', 'erpnext', '--name', 'x', '--credential-env', 'BROKEN', '--credential-stdin'], /give the credential once/],
    [['connections', 'rotate-credential', ID], /give the credential: --credential-env VAR or --credential-stdin/],
    [['connections', 'add', '--name', 'x'], /missing --type/],
    [['connections', 'show'], /missing id/],
  ])('%j is a usage error (exit 64), prints no secret and calls nothing', async (argv, message) => {
    const { code, stdout, stderr, fake } = await run(argv, { env: { BROKEN: `{"apiKey":"cli-key-PLAINTEXT"` } });
    expect(code).toBe(64);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr).not.toContain('PLAINTEXT');
    expect(fake.runtime.connections).not.toHaveBeenCalled();
  });

  it('list, show, test (--connect), logs (--health), disconnect, remove and integration-types list call the service and print tables', async () => {
    const fake = fakeRuntime();
    const list = await run(['connections', 'list', '--type', 'erpnext'], { fake });
    expect(list.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+TYPE\s+AUTH\s+STATUS\s+DEFAULT\s+LAST TESTED$/);
    expect(fake.connections.list).toHaveBeenCalledWith({ tenantId: 'default', actor: 'cli' }, { type: 'erpnext' });
    expect((await run(['connections', 'show', ID], { fake })).stdout).toContain('credential   stored');
    expect((await run(['connections', 'test', ID], { fake })).stdout).toContain('OK in 12 ms: authenticated as Administrator');
    expect((await run(['connections', 'test', ID, '--connect'], { fake })).stdout).toContain('status       connected');
    expect((await run(['connections', 'logs', ID, '--limit', '5'], { fake })).stdout).toMatch(/created\s+cli/);
    expect(fake.connections.logs).toHaveBeenCalledWith(expect.anything(), ID, { limit: '5' });
    expect((await run(['connections', 'logs', ID, '--health'], { fake })).stdout).toContain('Health: unknown\nNo checks yet');
    expect((await run(['connections', 'disconnect', ID], { fake })).stdout).toContain('status       disconnected');
    expect((await run(['connections', 'remove', ID], { fake })).stdout).toContain(`Removed connection ${ID}`);
    const types = await run(['integration-types', 'list', 'erp', '--kind', 'vendor'], { fake });
    expect(types.stdout).toMatch(/erpnext\s+vendor\s+erp\s+api_key\s+ERPNext/);
    expect(fake.catalog.search).toHaveBeenCalledWith({ q: 'erp', kind: 'vendor', category: undefined });
  });

  it('connections health: a table of the tenant’s connections with health and reasons; with an id, the status, its reasons and the checks', async () => {
    const fake = fakeRuntime();
    const all = await run(['connections', 'health', '--tenant', 'acme'], { fake });
    expect(all.code).toBe(0);
    expect(fake.connections.healthOverview).toHaveBeenCalledWith({ tenantId: 'acme', actor: 'cli' });
    const [header, row] = all.stdout.split('\n');
    expect(header).toMatch(/^ID\s+NAME\s+TYPE\s+STATUS\s+HEALTH\s+SINCE\s+REASONS$/);
    expect(row).toMatch(/main site\s+erpnext\s+error\s+down\s+2025-03-01T00:00:00Z\s+AUTH_FAILED,CHECKS_FAILING$/);

    fake.connections.health.mockResolvedValueOnce({
      status: { status: 'degraded', since: new Date('2025-03-02T00:00:00Z'), reasons: [{ code: 'HIGH_ERROR_RATE', message: '30.0 % of 40 recent calls failed (threshold 10.0 %)' }] },
      items: [{ id: 'h1', ok: true, latencyMs: 40, capabilities: [], errorClass: null, message: 'authenticated', checkedAt: new Date('2025-03-02T00:00:00Z') }],
      summary: { checks: 1, ok: 1, failed: 0, uptimeRatio: 1, p50LatencyMs: 40, p95LatencyMs: 40, from: null, to: null },
    } as never);
    const one = await run(['connections', 'health', ID, '--limit', '5'], { fake });
    expect(fake.connections.health).toHaveBeenCalledWith(expect.anything(), ID, { limit: '5' });
    expect(one.stdout.split('\n').slice(0, 3)).toEqual(['Health: degraded since 2025-03-02T00:00:00Z', '  HIGH_ERROR_RATE: 30.0 % of 40 recent calls failed (threshold 10.0 %)', '1 checks, 1 ok, uptime 100.0%, latency p50 40 ms, p95 40 ms']);
  });

  it('a service error is one line with its code (exit 1), e.g. INVALID_CREDENTIAL naming the field', async () => {
    const fake = fakeRuntime();
    const { ConnectionError } = await import('@junction/integrations');
    fake.connections.create.mockRejectedValueOnce(new ConnectionError('INVALID_CREDENTIAL', 400, 'credential.apiKey: Invalid input: expected string, received undefined'));
    const { code, stderr } = await run(['connections', 'add', '--type', 'erpnext', '--name', 'x', '--credential-env', 'C'], { fake, env: { C: '{"token":"cli-token-PLAINTEXT"}' } });
    expect(code).toBe(1);
    expect(stderr).toBe('junction: INVALID_CREDENTIAL: credential.apiKey: Invalid input: expected string, received undefined\n');
  });
});
