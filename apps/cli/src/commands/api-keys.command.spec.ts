import { ApiKeyError } from '@junction/webhooks';
import { fakeRuntime, run } from '../cli.test-kit';

describe('junction CLI: api-keys', () => {
  it('api-keys create prints the key once, with admin as the default scope; list never shows a key', async () => {
    const created = await run(['api-keys', 'create', '--name', 'ops']);
    expect(created.code).toBe(0);
    expect(created.fake.apiKeys.create).toHaveBeenCalledWith({ tenantId: 'default', actor: 'cli' }, { name: 'ops', scopes: ['admin'] });
    expect(created.stdout.match(/jk_AbCdEf012345_\S+/g)).toHaveLength(1);

    const json = await run(['api-keys', 'create', '--name', 'ops', '--scope', 'admin', '--scope', 'commands', '--json']);
    expect(json.fake.apiKeys.create).toHaveBeenCalledWith(expect.anything(), { name: 'ops', scopes: ['admin', 'commands'] });
    expect(JSON.parse(json.stdout)).toMatchObject({ key: expect.stringMatching(/^jk_/), id: 'AbCdEf012345', scopes: ['admin'] });

    const listed = await run(['api-keys', 'list']);
    expect(listed.stdout).toMatch(/AbCdEf012345\s+ops\s+admin\s+2025-01-01T00:00:00Z\s+-\s+active/);
    expect(listed.stdout).not.toContain('jk_');
  });

  it('api-keys: an unknown scope is a usage error; revoke reports; a service error keeps its code', async () => {
    expect((await run(['api-keys', 'create', '--name', 'x', '--scope', 'root'])).stderr).toBe('junction: USAGE: --scope: root is not one of admin, commands\n');
    expect((await run(['api-keys', 'revoke', 'AbCdEf012345'])).stdout).toBe('Revoked API key AbCdEf012345 (ops).\n');
    const fake = fakeRuntime();
    fake.apiKeys.revoke.mockRejectedValueOnce(new ApiKeyError('API_KEY_NOT_FOUND', 404, 'no API key "x"'));
    expect((await run(['api-keys', 'revoke', 'x'], { fake })).stderr).toBe('junction: API_KEY_NOT_FOUND: no API key "x"\n');
  });
});
