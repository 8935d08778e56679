import path from 'node:path';
import { defineConfig } from 'prisma/config';

// The Prisma CLI downloads its Rust schema-engine before `generate` even though generation does not use it, and
// the download host is unreachable from our machines. Pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file
// skips the download, so `prisma generate` (and the postinstall) work offline. The file is deliberately not an
// executable: `prisma migrate …` fails fast instead of running something else. Migrations go through
// `npm run db:migrate*` (libs/persistence/src/migrations, @prisma/schema-engine-wasm).
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(__dirname, 'prisma', 'schema.prisma');

export default defineConfig({
  schema: path.join(__dirname, 'prisma', 'schema.prisma'),
  migrations: { path: path.join(__dirname, 'prisma', 'migrations') },
});
