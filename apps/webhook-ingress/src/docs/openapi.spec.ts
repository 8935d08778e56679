import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApiDocument, OPENAPI_FILE, openApiText } from './openapi';

describe('OpenAPI document (webhook-ingress)', () => {
  it(`${OPENAPI_FILE} is exactly the generated document (run \`npm run openapi\` and commit it when this fails)`, async () => {
    const generated = openApiText(await buildOpenApiDocument());
    const committed = readFileSync(join(__dirname, '../../../../', OPENAPI_FILE), 'utf8');
    expect(committed).toBe(generated);
  });

  it('documents every admin connection route with the bearer scheme, and request bodies from the zod schemas', async () => {
    const doc = (await buildOpenApiDocument()) as unknown as { paths: Record<string, Record<string, any>>; components: { securitySchemes: Record<string, unknown> } };
    expect(doc.components.securitySchemes['api-key']).toMatchObject({ type: 'http', scheme: 'bearer' });
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`));
    expect(routes).toEqual(
      expect.arrayContaining([
        'GET /admin/integration-types',
        'GET /admin/integration-types/{slug}',
        'POST /admin/connections',
        'GET /admin/connections',
        'GET /admin/connections/{id}',
        'PATCH /admin/connections/{id}',
        'DELETE /admin/connections/{id}',
        'POST /admin/connections/{id}/connect',
        'POST /admin/connections/{id}/disconnect',
        'POST /admin/connections/{id}/test',
        'POST /admin/connections/{id}/rotate-credential',
        'GET /admin/connections/{id}/logs',
        'GET /admin/connections/{id}/health',
        'POST /admin/webhook-endpoints',
        'POST /commands',
      ]),
    );
    // Every route takes a key except the OAuth callback, which the provider's redirect reaches (its single-use state authenticates it).
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const op of Object.values(ops)) expect({ path, security: op.security }).toEqual({ path, security: path === '/oauth/callback' ? undefined : [{ 'api-key': [] }] });
    }
    const create = doc.paths['/admin/connections']!.post.requestBody.content['application/json'].schema;
    expect(create).toMatchObject({ type: 'object', required: ['type', 'name'], additionalProperties: false });
    expect(Object.keys(create.properties).sort()).toEqual(['authMethod', 'config', 'credential', 'credentialExpiresAt', 'isDefault', 'name', 'type']);
    expect(doc.paths['/admin/connections/{id}/rotate-credential']!.post.requestBody.content['application/json'].schema.properties.credential).toMatchObject({ type: 'object' });
  });
});
