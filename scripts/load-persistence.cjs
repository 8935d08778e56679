'use strict';
/*
 * Loads libs/persistence for plain-Node scripts (the db CLI, test fixtures). In a checkout it runs the
 * TypeScript sources through @swc/core (a devDependency), so no build is needed and a concurrent rebuild of
 * dist/ cannot pull files from under it; where dev dependencies are pruned (the container image) it uses dist/.
 */
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');

function loadPersistence() {
  let swc;
  try {
    swc = require('@swc/core');
  } catch {
    const compiled = join(root, 'dist/libs/persistence/src/index.js');
    if (!existsSync(compiled)) throw new Error('neither @swc/core nor dist/ is available: run `npm ci` or `npm run build` first');
    return require(compiled);
  }
  const swcrc = join(root, '.swcrc');
  const defaultTs = require.extensions['.ts'];
  require.extensions['.ts'] = (module, filename) => {
    if (filename.includes('node_modules')) return defaultTs ? defaultTs(module, filename) : undefined;
    const { code } = swc.transformSync(readFileSync(filename, 'utf8'), { filename, configFile: swcrc, swcrc: false, sourceMaps: 'inline' });
    module._compile(code, filename);
  };
  return require(join(root, 'libs/persistence/src/index.ts'));
}

module.exports = { loadPersistence };
