import { batchScheduler } from '../../batch-scheduler/src/app.definition';
import { crmWorker } from '../../crm-worker/src/app.definition';
import { erpWorker } from '../../erp-worker/src/app.definition';
import { linkedinWorker } from '../../linkedin-worker/src/app.definition';
import { metricsAggregator } from '../../metrics-aggregator/src/app.definition';
import { redditAnalyzer } from '../../reddit-analyzer/src/app.definition';
import { webhookIngress } from '../../webhook-ingress/src/app.definition';

/**
 * The seven apps, consumers first: subscriptions exist before the HTTP edge accepts the first command
 * (on the memory bus a message published to a topic without subscriptions reaches nobody, as on a broker).
 */
export const standaloneApps = [erpWorker, crmWorker, linkedinWorker, redditAnalyzer, metricsAggregator, batchScheduler, webhookIngress] as const;
