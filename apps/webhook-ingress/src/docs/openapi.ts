import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { IntegrationsModule } from '@junction/integrations';
import { MemoryTransport, MessagingModule } from '@junction/messaging';
import { PersistenceModule } from '@junction/persistence';
import { formatKeyEntry, SecurityModule } from '@junction/security';
import { AdminModule } from '../admin/admin.module';
import { CommandsModule } from '../commands/commands.module';
import { OAuthModule } from '../oauth/oauth.module';
import type { IngressEnv } from '../config/env';
import { API_KEY_SCHEME } from './openapi.schemas';

/** Where the committed document lives (`npm run openapi` writes it; a spec fails when it is stale). */
export const OPENAPI_FILE = 'docs/openapi.json';

/** The API documented: the admin API, the OAuth routes and POST /commands (provider webhooks are documented per provider, not here). */
const DOCUMENTED_MODULES = [AdminModule, OAuthModule, CommandsModule];

function config(): Omit<OpenAPIObject, 'paths'> {
  return new DocumentBuilder()
    .setTitle('Junction webhook-ingress API')
    .setDescription(
      'Admin API (integration catalog, connections, webhook endpoints) and command intake. Every route takes `Authorization: Bearer <API key>` ' +
        'with the route’s scope (admin or commands); the tenant is the key’s. Errors are `{code, message}`. Credentials are write-only.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'a Junction API key (jk_…) with the route’s scope' }, API_KEY_SCHEME)
    .build();
}

/** The OpenAPI document of a running (or preview) application. */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(app, config(), { include: DOCUMENTED_MODULES, operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}` });
}

/** Serves the Swagger UI at /docs and the document at /docs/json (before listen). */
export function serveOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => openApiDocument(app), { jsonDocumentUrl: 'docs/json', raw: ['json'] });
}

/**
 * The document without a database, broker or key ring: a preview application (controllers scanned, no provider
 * instantiated) of the documented modules. Same controllers as the running app, so the same document.
 */
export async function buildOpenApiDocument(): Promise<OpenAPIObject> {
  const env = { TENANT_ID: 'default', JUNCTION_API_KEY: undefined } as unknown as IngressEnv;
  // Preview mode resolves the dependency graph without running a factory: no connection is opened, no key used.
  @Module({
    imports: [
      PersistenceModule.forRoot({ databaseUrl: 'postgresql://openapi-preview.invalid/none' }),
      SecurityModule.forRoot({ kek: formatKeyEntry('openapi-preview', Buffer.alloc(32)) }),
      MessagingModule.forRoot({ bus: new MemoryTransport(), consumer: 'openapi-preview' }),
      IntegrationsModule.forRoot(),
      AdminModule,
      OAuthModule,
      CommandsModule.forRoot(env),
    ],
  })
  class OpenApiPreviewModule {}
  const app = await NestFactory.create(OpenApiPreviewModule, new FastifyAdapter(), { preview: true, logger: false, abortOnError: false });
  try {
    return openApiDocument(app);
  } finally {
    await app.close();
  }
}

/** Stable text: what is committed and what the spec compares. */
export function openApiText(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
