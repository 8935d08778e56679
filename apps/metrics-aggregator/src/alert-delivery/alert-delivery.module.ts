import { type DynamicModule, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { CredentialRepository, PrismaService } from '@junction/persistence';
import { CredentialService, CredentialVault, parseKeyRing } from '@junction/security';
import { ApiKeyGuard, ApiKeyService } from '@junction/webhooks';
import { AggregatorRegistry } from '../prometheus/prometheus.registry';
import { AlertChannelAdmin } from './alert-channel.admin';
import { AlertChannelRepository } from './alert-channel.repository';
import { AlertChannelSecrets } from './alert-channel.secrets';
import { AlertChannelSender } from './alert-channel.sender';
import { AlertChannelErrorInterceptor, AlertChannelsController } from './alert-channels.controller';
import { AlertDeliveryDispatcher } from './alert-delivery.dispatcher';
import { AlertDeliveryMetrics } from './alert-delivery.metrics';
import { AlertDeliveryRepository } from './alert-delivery.repository';
import { AlertHttpClient } from './alert-http.client';
import { DispatchAlertDeliveriesHandler } from './usecases/dispatch-alert-deliveries/dispatch-alert-deliveries.handler';

export interface AlertDeliveryModuleOptions {
  /** JUNCTION_KEK: opens the channels' sealed secrets (the same ring as the apps that seal them). */
  kek: string;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
  pollMs: number;
  batchSize: number;
  /** Run the delivery loop in this process (the admin API works either way). */
  dispatch: boolean;
}

const CHANNEL_CREDENTIALS = Symbol('AlertChannelCredentials');

/**
 * Alert channels (admin API) and the delivery loop that turns alert_delivery rows into signed webhooks and Slack
 * messages. Its own CredentialService over the vault (not the global SecurityModule), so it does not depend on
 * which other capability of this app brings one. Adds junction_alert_deliveries_total to the app's /metrics
 * registry once the app is up (the registry lives in WindowsModule, imported by PrometheusModule with its options).
 */
@Module({})
export class AlertDeliveryModule implements OnApplicationBootstrap {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly metrics: AlertDeliveryMetrics,
  ) {}

  static forRoot(options: AlertDeliveryModuleOptions): DynamicModule {
    const dispatchOptions = { batchSize: options.batchSize, leaseMs: options.timeoutMs * 2 + 5_000, policy: { maxAttempts: options.maxAttempts, baseDelayMs: options.baseDelayMs, maxDelayMs: options.maxDelayMs } };
    return {
      module: AlertDeliveryModule,
      controllers: [AlertChannelsController],
      providers: [
        ApiKeyService,
        ApiKeyGuard,
        AlertChannelErrorInterceptor,
        AlertChannelRepository,
        AlertDeliveryRepository,
        AlertDeliveryMetrics,
        { provide: CHANNEL_CREDENTIALS, inject: [CredentialRepository], useFactory: (rows: CredentialRepository) => new CredentialService(new CredentialVault(parseKeyRing(options.kek)), rows) },
        { provide: AlertHttpClient, useFactory: () => new AlertHttpClient({ timeoutMs: options.timeoutMs }) },
        { provide: AlertChannelSender, inject: [AlertHttpClient], useFactory: (http: AlertHttpClient) => new AlertChannelSender(http) },
        { provide: AlertChannelSecrets, inject: [CHANNEL_CREDENTIALS, AlertChannelRepository], useFactory: (c: CredentialService, r: AlertChannelRepository) => new AlertChannelSecrets(c, r) },
        {
          provide: AlertChannelAdmin,
          inject: [PrismaService, CHANNEL_CREDENTIALS, AlertHttpClient],
          useFactory: (prisma: PrismaService, credentials: CredentialService, http: AlertHttpClient) => AlertChannelAdmin.create(prisma, credentials, http),
        },
        {
          provide: DispatchAlertDeliveriesHandler,
          inject: [AlertDeliveryRepository, AlertChannelSecrets, AlertChannelSender, AlertDeliveryMetrics],
          useFactory: (d: AlertDeliveryRepository, s: AlertChannelSecrets, sender: AlertChannelSender, m: AlertDeliveryMetrics) => new DispatchAlertDeliveriesHandler(d, s, sender, m, dispatchOptions),
        },
        ...(options.dispatch
          ? [{ provide: AlertDeliveryDispatcher, inject: [DispatchAlertDeliveriesHandler], useFactory: (h: DispatchAlertDeliveriesHandler) => new AlertDeliveryDispatcher(h, { pollMs: options.pollMs, batchSize: options.batchSize }) }]
          : []),
      ],
      exports: [AlertDeliveryMetrics, DispatchAlertDeliveriesHandler],
    };
  }

  onApplicationBootstrap(): void {
    // strict: false — the app's one registry, wherever PrometheusModule put it; absent when the app has no /metrics.
    let registry: AggregatorRegistry | undefined;
    try {
      registry = this.moduleRef.get(AggregatorRegistry, { strict: false });
    } catch {
      registry = undefined;
    }
    if (registry) this.metrics.register(registry.registry);
  }
}
