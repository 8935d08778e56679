import { type DynamicModule, Module } from '@nestjs/common';
import { CONNECTIONS_PROVIDERS } from './connections/connections.providers';
import { INTEGRATIONS_OPTIONS, type IntegrationsOptions } from './integrations.options';
import { OAUTH_OPTIONS } from './oauth/oauth.options';
import { OAUTH_PROVIDERS } from './oauth/oauth.providers';
import { RESOLUTION_PROVIDERS } from './resolve/resolution.providers';

const PROVIDERS = [...CONNECTIONS_PROVIDERS, ...OAUTH_PROVIDERS, ...RESOLUTION_PROVIDERS];

/**
 * Global: the integration system (catalog, connections, credentials, tests, OAuth, resolution). Needs the global
 * PersistenceModule and SecurityModule, and MessagingModule (the OAuth token manager publishes re-auth alerts).
 * Import once in an app module.
 */
@Module({})
export class IntegrationsModule {
  static forRoot(options: IntegrationsOptions = {}): DynamicModule {
    const all = [{ provide: INTEGRATIONS_OPTIONS, useValue: options }, { provide: OAUTH_OPTIONS, useValue: options.oauth ?? {} }, ...PROVIDERS];
    return { module: IntegrationsModule, global: true, providers: all, exports: all };
  }
}
