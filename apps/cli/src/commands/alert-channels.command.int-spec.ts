import { Webhook } from 'standardwebhooks';
import { SlackWebhookSandbox } from '@junction/connectors/slack';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { ScriptedReceiver, TEST_KEK } from '../../../metrics-aggregator/src/alert-delivery/testing/alert-delivery.fixture';
import { runCli } from '../cli';

/** `junction alert-channels list | add-webhook | add-slack | test | remove` with the real runtime on Postgres. */
describe('junction alert-channels (real Postgres, local receiver, Slack sandbox)', () => {
  let db: TestDatabase;
  const receiver = new ScriptedReceiver();
  const slack = new SlackWebhookSandbox();
  let receiverUrl: string;
  const outputs: string[] = [];

  const junction = async (argv: string[], options: { stdin?: string; env?: Record<string, string> } = {}) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, {
      env: { DATABASE_URL: db.url, JUNCTION_KEK: TEST_KEK, TENANT_ID: 'cli-tenant', ...options.env },
      io: { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), readStdin: async () => options.stdin ?? '' },
    });
    outputs.push(stdout + stderr);
    return { code, stdout, stderr, json: () => JSON.parse(stdout) as any };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    receiverUrl = await receiver.start();
    await slack.start();
  }, 60_000);

  afterAll(async () => {
    await receiver.stop();
    await slack.stop();
    await db?.drop();
  });

  it('add-webhook generates the signing secret, prints it once, and test delivers a verifiable message', async () => {
    const added = await junction(['alert-channels', 'add-webhook', '--name', 'pager', '--url', receiverUrl, '--json']);
    expect(added.code).toBe(0);
    const { channel, signingSecret } = added.json();
    expect(signingSecret).toMatch(/^whsec_/);
    const text = await junction(['alert-channels', 'list']);
    expect(text.stdout).toContain('pager');
    expect(text.stdout).not.toContain(signingSecret.slice(6));

    const tested = await junction(['alert-channels', 'test', channel.id]);
    expect(tested.stdout).toMatch(/^ok: HTTP 200 in \d+ ms/);
    const [req] = receiver.received;
    expect(new Webhook(signingSecret).verify(req!.body, req!.headers as Record<string, string>)).toMatchObject({ type: 'ops.alert.test' });
  });

  it('add-webhook takes a given secret from --secret-env and does not print it', async () => {
    const secret = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;
    const added = await junction(['alert-channels', 'add-webhook', '--name', 'given', '--url', receiverUrl, '--secret-env', 'ALERT_SECRET'], { env: { ALERT_SECRET: secret } });
    expect(added.code).toBe(0);
    expect(added.stdout).not.toContain('signing secret');
    expect(outputs.join('\n')).not.toContain(secret.slice(6));
  });

  it('add-slack reads the URL from stdin, shows it masked; test reports a removed hook', async () => {
    const { url, hook } = slack.createHook('#ops');
    const added = await junction(['alert-channels', 'add-slack', '--name', 'slack', '--url-stdin', '--json'], { stdin: `${url}\n` });
    expect(added.code).toBe(0);
    const id = added.json().channel.id as string;
    expect(added.json().channel.target).toMatch(/\/services\/T\*\*\*$/);
    expect((await junction(['alert-channels', 'test', id])).stdout).toMatch(/^ok: HTTP 200/);
    expect(slack.messagesFor(hook.id)).toHaveLength(1);
    slack.setHookState(hook.id, 'revoked');
    const failed = await junction(['alert-channels', 'test', id]);
    expect(failed.stdout).toContain('FAILED: HTTP 404: no_service');
    for (const out of outputs) expect(out).not.toContain(hook.secret);
  });

  it('usage and service errors: stable codes, exit codes', async () => {
    const noUrl = await junction(['alert-channels', 'add-slack', '--name', 'x']);
    expect([noUrl.code, noUrl.stderr]).toEqual([64, expect.stringContaining('junction: USAGE: give the url: --url-env VAR or --url-stdin')]);
    const bad = await junction(['alert-channels', 'add-webhook', '--name', 'x', '--url', 'http://example.com/']);
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringContaining('junction: INVALID_URL: url must be https')]);
    const taken = await junction(['alert-channels', 'add-webhook', '--name', 'pager', '--url', receiverUrl]);
    expect(taken.stderr).toContain('junction: CHANNEL_NAME_TAKEN:');
    const missing = await junction(['alert-channels', 'test', '00000000-0000-4000-8000-000000000000']);
    expect(missing.stderr).toContain('junction: CHANNEL_NOT_FOUND:');
  });

  it('remove deletes it; the tenant comes from --tenant / TENANT_ID', async () => {
    const list = (await junction(['alert-channels', 'list', '--json'])).json() as { id: string; name: string }[];
    expect(list.map((c) => c.name).sort()).toEqual(['given', 'pager', 'slack']);
    expect((await junction(['alert-channels', 'list', '--tenant', 'someone-else', '--json'])).json()).toEqual([]);
    const removed = await junction(['alert-channels', 'remove', list[0]!.id]);
    expect(removed.stdout).toContain(`Removed alert channel ${list[0]!.id}`);
    expect(((await junction(['alert-channels', 'list', '--json'])).json() as unknown[]).length).toBe(2);
  });
});
