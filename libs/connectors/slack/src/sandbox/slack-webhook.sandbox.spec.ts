import { request } from 'undici';
import { SlackWebhookSandbox } from './slack-webhook.sandbox';

describe('SlackWebhookSandbox (raw HTTP)', () => {
  const sandbox = new SlackWebhookSandbox();

  beforeAll(() => sandbox.start());
  afterAll(() => sandbox.stop());
  beforeEach(() => sandbox.reset());

  async function post(url: string, body: string, type = 'application/json') {
    const res = await request(url, { method: 'POST', headers: { 'content-type': type }, body });
    return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
  }

  it('answers 200 "ok" and records text and blocks in the ledger', async () => {
    const { url, hook } = sandbox.createHook('#ops');
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }];
    await expect(post(url, JSON.stringify({ text: 'hello', blocks }))).resolves.toMatchObject({ status: 200, text: 'ok' });
    expect(sandbox.messagesFor(hook.id)).toEqual([expect.objectContaining({ channel: '#ops', text: 'hello', blocks })]);
  });

  it('accepts the form-encoded payload field', async () => {
    const { url } = sandbox.createHook();
    const res = await post(url, `payload=${encodeURIComponent(JSON.stringify({ text: 'form' }))}`, 'application/x-www-form-urlencoded');
    expect(res).toMatchObject({ status: 200, text: 'ok' });
    expect(sandbox.messages.map((m) => m.text)).toEqual(['form']);
  });

  it('rejects bad payloads with Slack’s codes and records nothing', async () => {
    const { url } = sandbox.createHook();
    await expect(post(url, '{not json')).resolves.toMatchObject({ status: 400, text: 'invalid_payload' });
    await expect(post(url, JSON.stringify({ blocks: [{ text: 'no type' }] }))).resolves.toMatchObject({ status: 400, text: 'invalid_blocks' });
    await expect(post(url, JSON.stringify({ username: 'x' }))).resolves.toMatchObject({ status: 400, text: 'missing_text_or_fallback_or_attachments' });
    expect(sandbox.messages).toHaveLength(0);
  });

  it('answers a removed or unknown hook with 404 no_service, and a broken one with its code', async () => {
    const { url, hook } = sandbox.createHook();
    await expect(post(`${url.slice(0, -3)}abc`, JSON.stringify({ text: 'x' }))).resolves.toMatchObject({ status: 404, text: 'no_service' });
    sandbox.setHookState(hook.id, 'channel_is_archived');
    await expect(post(url, JSON.stringify({ text: 'x' }))).resolves.toMatchObject({ status: 410, text: 'channel_is_archived' });
    sandbox.setHookState(hook.id, 'action_prohibited');
    await expect(post(url, JSON.stringify({ text: 'x' }))).resolves.toMatchObject({ status: 403, text: 'action_prohibited' });
    sandbox.setHookState(hook.id, 'channel_not_found');
    await expect(post(url, JSON.stringify({ text: 'x' }))).resolves.toMatchObject({ status: 404, text: 'channel_not_found' });
    sandbox.setHookState(hook.id, 'revoked');
    await expect(post(url, JSON.stringify({ text: 'x' }))).resolves.toMatchObject({ status: 404, text: 'no_service' });
    expect(sandbox.messages).toHaveLength(0);
  });

  it('injects 429 rate_limited with Retry-After, then accepts', async () => {
    const { url } = sandbox.createHook();
    sandbox.faults.set({ failNext: { count: 1, status: 429, retryAfter: 2 } });
    const limited = await post(url, JSON.stringify({ text: 'x' }));
    expect(limited).toMatchObject({ status: 429, text: 'rate_limited' });
    expect(limited.headers['retry-after']).toBe('2');
    await expect(post(url, JSON.stringify({ text: 'x' }))).resolves.toMatchObject({ status: 200, text: 'ok' });
    expect(sandbox.messages).toHaveLength(1);
  });
});
