import { Global, Module } from '@nestjs/common';
import { CONNECTIONS_PROVIDERS } from './connections/connections.providers';
import { OAUTH_PROVIDERS } from './oauth/oauth.providers';
import { RESOLUTION_PROVIDERS } from './resolve/resolution.providers';

const PROVIDERS = [...CONNECTIONS_PROVIDERS, ...OAUTH_PROVIDERS, ...RESOLUTION_PROVIDERS];

/**
 * Global: the integration system (catalog, connections, credentials, tests, OAuth, resolution). Needs the global
 * PersistenceModule and SecurityModule. Import once in an app module.
 */
@Global()
@Module({ providers: PROVIDERS, exports: PROVIDERS })
export class IntegrationsModule {}
