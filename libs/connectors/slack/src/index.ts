export { SLACK_WEBHOOK_ERRORS, SlackWebhookSandbox } from './sandbox/slack-webhook.sandbox';
export type { SlackHook, SlackHookState, SlackMessage, SlackWebhookError } from './sandbox/slack-webhook.sandbox';
