import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { buildOpenApiDocument, OPENAPI_FILE, openApiText } from './openapi';

/** `npm run openapi`: writes the webhook-ingress OpenAPI document to docs/openapi.json (commit it). */
async function main(): Promise<void> {
  const target = resolve(process.cwd(), OPENAPI_FILE);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, openApiText(await buildOpenApiDocument()));
  process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
