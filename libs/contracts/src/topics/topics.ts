/**
 * Every topic and subscription name in one place.
 *
 * WARNING: these strings are broker state. Renaming one orphans the existing topic/queue and whatever is
 * still in it; a rename needs a migration plan (create new, drain old, delete old), not a find-and-replace.
 */
export const Topics = {
  erpCommands: 'erp.commands',
  erpEvents: 'erp.events',
  crmCommands: 'crm.commands',
  crmEvents: 'crm.events',
  linkedinCommands: 'linkedin.commands',
  linkedinEvents: 'linkedin.events',
  redditCommands: 'reddit.commands',
  redditEvents: 'reddit.events',
  mcpCommands: 'mcp.commands',
  mcpEvents: 'mcp.events',
  webhooksReceived: 'webhooks.received',
  integrationCalls: 'integration.calls',
  opsAlerts: 'ops.alerts',
} as const;
export type Topic = (typeof Topics)[keyof typeof Topics];

/** One subscription per consuming app and topic; the name is the app's. */
export const Subscriptions = {
  erpWorker: 'erp-worker',
  crmWorker: 'crm-worker',
  linkedinWorker: 'linkedin-worker',
  redditAnalyzer: 'reddit-analyzer',
  mcpGateway: 'mcp-gateway',
  batchScheduler: 'batch-scheduler',
  metricsAggregator: 'metrics-aggregator',
  webhookIngress: 'webhook-ingress',
} as const;
export type SubscriptionName = (typeof Subscriptions)[keyof typeof Subscriptions];
