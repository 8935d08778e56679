import type { Provider } from '@nestjs/common';
import { IntegrationCatalog } from '../catalog/integration-catalog';
import { ConnectionSecretStore } from './connection-secret.store';
import { ConnectionService } from './connection.service';

/** Catalog and connection management (admin API, CLI). */
export const CONNECTIONS_PROVIDERS: Provider[] = [ConnectionSecretStore, IntegrationCatalog, ConnectionService];
