import type { Provider } from '@nestjs/common';
import { ConnectionSecretStore } from './connection-secret.store';

/** Catalog and connection management (admin API, CLI). */
export const CONNECTIONS_PROVIDERS: Provider[] = [ConnectionSecretStore];
