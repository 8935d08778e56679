/** Standalone Slack incoming-webhook sandbox for manual use: `PORT=8005 [HOST=0.0.0.0] node dist/.../main.js`. */
import { runSandbox } from '@junction/connectors/sandbox-kit';
import { SlackWebhookSandbox } from './slack-webhook.sandbox';

const sandbox = new SlackWebhookSandbox();
runSandbox(sandbox, 8005, (_url, s) => {
  const { url } = s.createHook('#alerts');
  return [`Slack incoming-webhook sandbox: POST {"text":"…"} to ${url}`];
});
