import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { ApiKeyRepository } from './api-key/api-key.repository';
import { AuditEventRepository } from './audit/audit-event.repository';
import { CallRecordRepository } from './call-record/call-record.repository';
import { CredentialRepository } from './credential/credential.repository';
import { DeadLetterRepository } from './dead-letter/dead-letter.repository';
import { EffectLedgerRepository } from './effect-ledger/effect-ledger.repository';
import { InboxRepository } from './inbox/inbox.repository';
import { OutboxParkedRepository } from './outbox/outbox-parked.repository';
import { OutboxRepository } from './outbox/outbox.repository';
import { PrismaService } from './prisma/prisma.service';
import { ProcessedMessageRepository } from './processed-message/processed-message.repository';
import { RetentionRepository } from './retention/retention.repository';
import { WebhookEndpointRepository } from './webhook-endpoint/webhook-endpoint.repository';
import { IntegrationTypeRepository } from './connection/integration-type.repository';
import { ConnectionRepository } from './connection/connection.repository';
import { ConnectionEventRepository } from './connection/connection-event.repository';
import { ConnectionHealthRepository } from './connection/connection-health.repository';
import { OAuthTokenRepository } from './oauth/oauth-token.repository';
import { OAuthStateRepository } from './oauth/oauth-state.repository';
import { CommandClaimRepository } from './command-claim/command-claim.repository';
import { RedditAnalysisRepository } from './reddit/reddit-analysis.repository';

export interface PersistenceModuleOptions {
  databaseUrl: string;
  /** pg pool size (default 10). */
  poolMax?: number;
}

const REPOSITORIES = [
  OutboxRepository,
  OutboxParkedRepository,
  ProcessedMessageRepository,
  EffectLedgerRepository,
  DeadLetterRepository,
  CallRecordRepository,
  AuditEventRepository,
  WebhookEndpointRepository,
  InboxRepository,
  CredentialRepository,
  ApiKeyRepository,
  RetentionRepository,
  IntegrationTypeRepository,
  ConnectionRepository,
  ConnectionEventRepository,
  ConnectionHealthRepository,
  OAuthTokenRepository,
  OAuthStateRepository,
  CommandClaimRepository,
  RedditAnalysisRepository,
];

/** Global: import once in the app module; every module can then inject PrismaService and the repositories. */
@Module({})
export class PersistenceModule {
  static forRoot(options: PersistenceModuleOptions): DynamicModule {
    const prisma: Provider = {
      provide: PrismaService,
      // PrismaService.onApplicationShutdown disconnects (ends the pg pool) when the app closes.
      useFactory: () => new PrismaService(options.databaseUrl, { poolMax: options.poolMax }),
    };
    return {
      module: PersistenceModule,
      global: true,
      providers: [prisma, ...REPOSITORIES],
      exports: [PrismaService, ...REPOSITORIES],
    };
  }
}
