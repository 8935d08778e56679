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
    expect((await run(['connections', 'logs', ID, '--health'], { fake })).stdout).toContain('No checks yet');
    expect((await run(['connections', 'disconnect', ID], { fake })).stdout).toContain('status       disconnected');
    expect((await run(['connections', 'remove', ID], { fake })).stdout).toContain(`Removed connection ${ID}`);
    const types = await run(['integration-types', 'list', 'erp', '--kind', 'vendor'], { fake });
    expect(types.stdout).toMatch(/erpnext\s+vendor\s+erp\s+api_key\s+ERPNext/);
    expect(fake.catalog.search).toHaveBeenCalledWith({ q: 'erp', kind: 'vendor', category: undefined });
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
