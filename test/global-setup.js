/**
 * Jest globalSetup: some int-specs start the built MCP servers (dist/libs/connectors/<provider>/src/mcp/*.main.js)
 * as real child processes, as e2e specs start the built apps. On a fresh clone `npm test` builds once first, so the
 * README's test command needs nothing before it; an existing build is used as it is (e2e specs rebuild anyway).
 */
const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

module.exports = function buildOnce() {
  const root = join(__dirname, '..');
  const needed = ['erpnext', 'linkedin', 'reddit'].map((p) => join(root, `dist/libs/connectors/${p}/src/mcp/${p}-mcp.main.js`));
  if (needed.every((file) => existsSync(file))) return;
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
};
