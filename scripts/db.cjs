#!/usr/bin/env node
/*
 * Database CLI (no Rust engine needed):
 *   npm run db:migrate                    apply pending migrations to $DATABASE_URL
 *   npm run db:migrate:create -- <name>   write prisma/migrations/<timestamp>_<name> from schema.prisma
 *   npm run db:migrate:status             list pending / failed / edited migrations
 *
 * libs/persistence is loaded by scripts/load-persistence.cjs (TypeScript sources in a checkout, dist/ in the image).
 */
'use strict';
const { join } = require('node:path');
const { loadPersistence: load } = require('./load-persistence.cjs');

const root = join(__dirname, '..');

function loadPersistence() {
  try {
    return load();
  } catch (error) {
    return fail(error.message);
  }
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
