import { batchScheduler } from '../../batch-scheduler/src/app.definition';
import { crmWorker } from '../../crm-worker/src/app.definition';
import { erpWorker } from '../../erp-worker/src/app.definition';
import { linkedinWorker } from '../../linkedin-worker/src/app.definition';
import { mcpGateway } from '../../mcp-gateway/src/app.definition';
import { metricsAggregator } from '../../metrics-aggregator/src/app.definition';
import { redditAnalyzer } from '../../reddit-analyzer/src/app.definition';
import { webhookIngress } from '../../webhook-ingress/src/app.definition';

/**
 * The eight apps, consumers first (mcp-gateway among them: it records every command's answer), so that the edge answers only once every consumer runs. Subscriptions do not
 * depend on this order: every app declares the whole topology at start (startApp → applyTopology).
 */
export const standaloneApps = [erpWorker, crmWorker, linkedinWorker, redditAnalyzer, metricsAggregator, mcpGateway, batchScheduler, webhookIngress] as const;
