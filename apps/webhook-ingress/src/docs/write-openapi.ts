import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { buildOpenApiDocument, OPENAPI_FILE, openApiText } from './openapi';

/**
 * `npm run openapi`: writes the webhook-ingress OpenAPI document to docs/openapi.json (commit it), or to the path given
 * (CI writes dist/openapi.json from the build it tests).
 */
async function main(): Promise<void> {
  const file = process.argv[2] ?? OPENAPI_FILE;
  const target = resolve(process.cwd(), file);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, openApiText(await buildOpenApiDocument()));
  process.stdout.write(`wrote ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
