#!/usr/bin/env node
/*
 * Database CLI (no Rust engine needed):
 *   npm run db:migrate                    apply pending migrations to $DATABASE_URL
 *   npm run db:migrate:create -- <name>   write prisma/migrations/<timestamp>_<name> from schema.prisma
 *   npm run db:migrate:status             list pending / failed / edited migrations
 *
 * In a checkout it runs libs/persistence's TypeScript through @swc/core (already a devDependency, so the CLI
 * needs neither a build nor a TS runner); where dev dependencies are pruned it uses the compiled dist/.
 */
'use strict';
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');

function loadPersistence() {
  let swc;
  try {
    swc = require('@swc/core');
  } catch {
    const compiled = join(root, 'dist/libs/persistence/src/index.js');
    if (!existsSync(compiled)) fail('neither @swc/core nor dist/ is available: run `npm ci` or `npm run build` first');
    return require(compiled);
  }
  const swcrc = join(root, '.swcrc');
  const defaultTs = require.extensions['.ts'];
  require.extensions['.ts'] = (module, filename) => {
    if (filename.includes('node_modules')) return defaultTs ? defaultTs(module, filename) : undefined;
    const { code } = swc.transformSync(readFileSync(filename, 'utf8'), {
      filename,
      configFile: swcrc,
      swcrc: false,
      sourceMaps: 'inline',
    });
    module._compile(code, filename);
  };
  return require(join(root, 'libs/persistence/src/index.ts'));
}

function fail(message) {
  console.error(`db: ${message}`);
  process.exit(1);
}

function databaseUrl() {
  const url = process.env.DATABASE_URL;
  if (!url) fail('DATABASE_URL is not set (e.g. DATABASE_URL=postgresql://postgres@127.0.0.1:5432/junction)');
  return url;
}

async function main(command, args) {
  const persistence = loadPersistence();
  switch (command) {
    case 'migrate': {
      const started = Date.now();
      const { applied } = await persistence.applyMigrations(databaseUrl());
      const took = `${Date.now() - started} ms`;
      if (applied.length === 0) console.log(`Database is up to date: no migrations to apply (${took}).`);
      else console.log(`Applied ${applied.length} migration(s) in ${took}:\n${applied.map((name) => `  ${name}`).join('\n')}`);
      return 0;
    }
    case 'migrate:create': {
      const name = args.join('_');
      if (!name) fail('usage: npm run db:migrate:create -- <name>');
      const result = await persistence.createMigration(name);
      if (!result.created) console.log('No changes: schema.prisma matches the existing migrations.');
      else console.log(`Created ${result.directory.slice(root.length + 1)}/migration.sql`);
      return 0;
    }
    case 'migrate:status': {
      const status = await persistence.migrationStatus(databaseUrl());
      console.log(`${status.migrations.length} migration(s) in prisma/migrations.`);
      const sections = [
        ['Not yet applied', status.pending],
        ['Failed (resolve before deploying)', status.failed],
        ['Edited after being applied', status.edited],
        ['Applied but missing from prisma/migrations', status.unknownToFolder],
      ];
      for (const [title, names] of sections) {
        if (names.length) console.log(`${title}:\n${names.map((name) => `  ${name}`).join('\n')}`);
      }
      if (status.upToDate) console.log('Database schema is up to date.');
      return status.upToDate ? 0 : 1;
    }
    default:
      fail(`unknown command "${command ?? ''}" (migrate | migrate:create <name> | migrate:status)`);
  }
}

main(process.argv[2], process.argv.slice(3)).then(
  // Exit explicitly: pools are closed and engine timers unref'd, but a stray handle must not hold a CLI for 10 s.
  (code) => process.exit(code),
  (error) => {
    const code = error && error.code ? `${error.code}: ` : '';
    fail(`${code}${error && error.message ? error.message : String(error)}`);
  },
);
