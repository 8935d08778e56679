export { IntegrationsModule } from './integrations.module';
export * from './connections/connection.types';
export { CONNECTION_SECRET_PURPOSE, ConnectionSecretStore, connectionSecretSchemas } from './connections/connection-secret.store';

// Catalog and connections (admin API, CLI)

// OAuth 2.0

// Resolution (workers) and connection tests
