export { resolvePostgres } from './postgres/postgres.resolver';
export type { PostgresSource, ResolvedPostgres } from './postgres/postgres.resolver';
export { createTestDatabase, outboxCausedBy, withPgClient } from './postgres/test-database.factory';
export type { TestDatabase } from './postgres/test-database.factory';
export { closeRabbitMqConnection, rabbitMqCtlAvailable, rabbitMqReachable, testRabbitMqUrl } from './rabbitmq/rabbitmq.probe';
export { startAppProcess, waitUntil } from './processes/app-process';
export { freePort } from '@junction/persistence';
export type { AppProcess } from './processes/app-process';
