// Compiles apps/ and libs/ with SWC (path aliases rewritten to relative requires), then gives every app the
// conventional entry point dist/apps/<app>/main.js.
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

rmSync('dist', { recursive: true, force: true });
execFileSync('npx', ['swc', 'apps', 'libs', '-d', 'dist', '--copy-files', '--quiet'], { stdio: 'inherit' });
for (const app of readdirSync('apps')) {
  if (existsSync(join('dist/apps', app, 'src/main.js'))) {
    writeFileSync(join('dist/apps', app, 'main.js'), "require('./src/main.js');\n");
  }
}
