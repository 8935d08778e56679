#!/usr/bin/env node
/*
 * postinstall: generates the Prisma client into libs/persistence/src/generated/prisma (git-ignored), offline
 * (prisma.config.ts keeps the CLI from downloading its engine). Where dev dependencies are omitted the prisma CLI
 * is absent: the client must then come from the build stage, so skip with a notice instead of failing the install.
 */
'use strict';
const { spawnSync } = require('node:child_process');

let cli;
try {
  cli = require.resolve('prisma/build/index.js');
} catch {
  console.warn('db-generate: prisma CLI not installed (dev dependencies omitted?); skipping prisma generate');
  process.exit(0);
}
const result = spawnSync(process.execPath, [cli, 'generate'], { stdio: 'inherit', cwd: require('node:path').join(__dirname, '..') });
process.exit(result.status ?? 1);
