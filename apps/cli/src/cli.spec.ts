import { EndpointError } from '@junction/webhooks';
import { fakeRuntime, run } from './cli.test-kit';

describe('junction CLI: errors', () => {
  it('a service error is one line with its stable code, exit 1, no stack', async () => {
    const fake = fakeRuntime();
    fake.endpoints.get.mockRejectedValueOnce(new EndpointError('ENDPOINT_NOT_FOUND', 404, 'no webhook endpoint "nope"'));
    const { code, stdout, stderr } = await run(['endpoints', 'show', 'nope'], { fake });
    expect({ code, stdout, stderr }).toEqual({ code: 1, stdout: '', stderr: 'junction: ENDPOINT_NOT_FOUND: no webhook endpoint "nope"\n' });
  });

  it('a bad JUNCTION_KEK is a configuration error (exit 78) that never repeats the value', async () => {
    const { code, stderr, fake } = await run(['endpoints', 'list'], { env: { JUNCTION_KEK: 'k1:dG9vLXNob3J0' } });
    expect(code).toBe(78);
    expect(stderr).toMatch(/^junction: INVALID_CONFIG: JUNCTION_KEK: key "k1": must be 32 bytes/);
    expect(stderr).not.toContain('dG9vLXNob3J0');
    expect(fake.runtime.endpoints).not.toHaveBeenCalled();
  });

  it('an unexpected error says INTERNAL in one line; its stack only with --debug', async () => {
    const fake = fakeRuntime();
    fake.endpoints.list.mockRejectedValue(new TypeError('boom'));
    const plain = await run(['endpoints', 'list'], { fake });
    expect(plain.code).toBe(1);
    expect(plain.stderr).toBe('junction: INTERNAL: boom\njunction: this looks like a bug or an outage; --debug prints the stack\n');
    const debug = await run(['endpoints', 'list', '--debug'], { fake });
    expect(debug.stderr).toMatch(/^junction: INTERNAL: boom\nTypeError: boom\n\s+at /);
  });

  it('closes the runtime after every command, also a failed one', async () => {
    const fake = fakeRuntime();
    fake.endpoints.get.mockRejectedValueOnce(new Error('x'));
    await run(['endpoints', 'show', 'a'], { fake });
    await run(['endpoints', 'list'], { fake });
    expect(fake.runtime.close).toHaveBeenCalledTimes(2);
  });

  it('--help prints usage (exit 0); no command prints it as a usage error (exit 64)', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('endpoints rotate-secret ID');
    expect(help.stdout).toContain('keys rewrap');
    const one = await run(['endpoints', 'add', '--help']);
    expect(one.stdout).toMatch(/usage: junction endpoints add \[options\]/);
    expect(one.stdout).toMatch(/--secret-stdin\s+read secrets from stdin/);
    expect((await run([])).code).toBe(64);
  });
});
