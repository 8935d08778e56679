export { PersistenceModule } from './persistence.module';
export type { PersistenceModuleOptions } from './persistence.module';
export { DatabaseUnavailableError, PrismaService } from './prisma/prisma.service';
export type { PrismaServiceOptions, TransactionOptions, Tx } from './prisma/prisma.service';
export { Prisma } from './generated/prisma/client';
export type { Alert, AlertChannel, AlertDelivery, AlertRule, ApiKey, AuditEvent, BatchFile, BatchRowError, BatchRun, CallRecord, CommandClaim, Connection, ConnectionEvent, ConnectionHealth, Credential, DeadLetter, EffectLedger, InboxMessage, IntegrationType, OAuthState, OAuthToken, OutboxMessage, OutboxParked, ProcessedMessage, Schedule, WebhookEndpoint, WebhookSecret } from './generated/prisma/client';

export { OutboxRepository } from './outbox/outbox.repository';
export { OutboxParkedRepository } from './outbox/outbox-parked.repository';
export type { NewOutboxRow, OutboxHeaders, OutboxRow, ParkedRowView, ParkRow, RelayOptions } from './outbox/outbox.types';
export { ProcessedMessageRepository } from './processed-message/processed-message.repository';
export { EffectLedgerRepository } from './effect-ledger/effect-ledger.repository';
export type { EffectLedgerEntry, EffectOutcome, NewEffectLedgerRow } from './effect-ledger/effect-ledger.repository';
export { DeadLetterRepository } from './dead-letter/dead-letter.repository';
export type { DeadLetterFilter, DeadLetterQuery, NewDeadLetterRow } from './dead-letter/dead-letter.repository';
export { CallRecordRepository } from './call-record/call-record.repository';
export type { NewCallRecordRow } from './call-record/call-record.repository';

export { applyMigrations, MigrationError, migrationStatus } from './migrations/migration.runner';
export type { MigrationOptions, MigrationStatus } from './migrations/migration.runner';
export { createMigration } from './migrations/migration.creator';
export type { CreateMigrationOptions, CreateMigrationResult } from './migrations/migration.creator';
export { DatabaseUrlError, parseDatabaseUrl, redactDatabaseUrl } from './database-url.parser';

export { startEmbeddedPostgres } from './embedded/embedded-postgres.runner';
export { freePort } from './embedded/free-port';
export type { EmbeddedPostgres, EmbeddedPostgresOptions } from './embedded/embedded-postgres.runner';

export { PostgresRateLimiter } from './rate-limit/postgres-rate-limiter';
export type { PostgresRateLimiterOptions } from './rate-limit/postgres-rate-limiter';
export { RateLimitBucketRepository } from './rate-limit/rate-limit-bucket.repository';
export type { QuotaWindow, RateLimitBucketKey, TakeResult } from './rate-limit/rate-limit-bucket.repository';

export { AuditEventRepository } from './audit/audit-event.repository';
export type { NewAuditEvent } from './audit/audit-event.repository';
export { WebhookEndpointRepository } from './webhook-endpoint/webhook-endpoint.repository';
export type { NewWebhookEndpointRow, WebhookEndpointFields } from './webhook-endpoint/webhook-endpoint.repository';
export { CredentialRepository } from './credential/credential.repository';
export type { NewCredentialRow } from './credential/credential.repository';
export { ApiKeyRepository } from './api-key/api-key.repository';
export type { NewApiKeyRow } from './api-key/api-key.repository';
export { InboxRepository } from './inbox/inbox.repository';
export type { InboxEntry } from './inbox/inbox.repository';
export { RETENTION_TARGETS, RetentionRepository } from './retention/retention.repository';
export type { RetentionSession, RetentionTarget } from './retention/retention.repository';
export { withSessionLock } from './locks/session-lock';
export type { Exclusive } from './locks/session-lock';

// Integration system: catalog, connections, event log, health, OAuth (libs/integrations)
export { IntegrationTypeRepository } from './connection/integration-type.repository';
export type { IntegrationTypeFilter, IntegrationTypeRow } from './connection/integration-type.repository';
export { ConnectionRepository, isUuid } from './connection/connection.repository';
export type { ConnectionFilter, ConnectionWithCredential, NewConnectionRow } from './connection/connection.repository';
export { ConnectionEventRepository } from './connection/connection-event.repository';
export type { NewConnectionEvent } from './connection/connection-event.repository';
export { ConnectionHealthRepository } from './connection/connection-health.repository';
export type { NewConnectionHealth } from './connection/connection-health.repository';
export { OAuthTokenRepository } from './oauth/oauth-token.repository';
export type { OAuthTokenFields, OAuthTokenWithCredential } from './oauth/oauth-token.repository';
export { OAuthStateRepository } from './oauth/oauth-state.repository';
export type { NewOAuthStateRow } from './oauth/oauth-state.repository';

// The effect step's lease (libs/messaging)
export { CommandClaimRepository } from './command-claim/command-claim.repository';
export type { ClaimResult, HeldClaim } from './command-claim/command-claim.repository';

// reddit-analyzer's results and monitor cursors
export { isNewerRedditId, RedditAnalysisRepository } from './reddit/reddit-analysis.repository';
export type { NewRedditAnalysis, RedditAnalysisKind, RedditCursorAdvance, RedditCursorKey } from './reddit/reddit-analysis.repository';
