import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import { nodeGlobal, nodeRequire } from '../node-require';

type WasmExports = Record<string, unknown>;

type SchemaEngineGlue = typeof import('@prisma/schema-engine-wasm/schema_engine_bg') & {
  __wbg_set_wasm(exports: WasmExports): void;
};

/** The slice of the WebAssembly global we use (the project's `lib` has no DOM/WebAssembly typings). */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: Record<string, Record<string, unknown>>): Promise<{ exports: WasmExports }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** A `SqlMigrationAwareDriverAdapterFactory`, typed loosely: it is loaded through `nodeRequire`. */
export interface MigrationAdapterFactory {
  readonly provider: string;
  readonly adapterName: string;
  connect(): Promise<unknown>;
  connectToShadowDb(): Promise<unknown>;
}

export interface SchemaFile {
  path: string;
  content: string;
}

/**
 * One wasm instance per process, kept on Node's global: the glue module is a singleton in Node's module cache, and
 * `__wbg_set_wasm` with a second instance (e.g. from the next Jest test file's registry) would hand the first
 * instance's pending timers and closures to the wrong memory ("FnOnce called more than once", then hangs).
 */
const GLUE_KEY = Symbol.for('junction.persistence.schemaEngineGlue');
const glueSlot = nodeGlobal as { [GLUE_KEY]?: Promise<SchemaEngineGlue> };

/**
 * Instantiates the wasm once per process. On Node 20 the package's own entry (`import … from './x.wasm'`) does
 * not load, so we compile the .wasm ourselves; `__wbindgen_start()` is required or null values come out garbled.
 * Resolved through the package, never a hardcoded path, so it works from src/, dist/ and a pruned image alike.
 */
function loadGlue(): Promise<SchemaEngineGlue> {
  const glue = (glueSlot[GLUE_KEY] ??= (async () => {
    panicRegistry();
    const bg = nodeRequire('@prisma/schema-engine-wasm/schema_engine_bg') as SchemaEngineGlue;
    const wasmPath = join(dirname(nodeRequire.resolve('@prisma/schema-engine-wasm/schema_engine_bg')), 'schema_engine_bg.wasm');
    const module = await wasmApi.compile(readFileSync(wasmPath));
    const imports: Record<string, unknown> = { ...bg };
    // The engine arms timers (~10 s) that would keep a CLI or a test process alive after the work is done.
    // Node's own setTimeout: this instance outlives the Jest sandbox that happens to load it first.
    const realSetTimeout = nodeGlobal.setTimeout as typeof setTimeout;
    for (const name of Object.keys(imports).filter((key) => key.startsWith('__wbg_setTimeout_'))) {
      imports[name] = (callback: () => void, ms: number) => realSetTimeout(callback, ms >>> 0).unref();
    }
    const instance = await wasmApi.instantiate(module, { './schema_engine_bg.js': imports });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bg;
  })());
  glue.catch(() => delete glueSlot[GLUE_KEY]);
  return glue;
}

interface PanicRegistry {
  set_message(message: string): void;
  last?: string;
}

/**
 * The glue reports Rust panics to `global.PRISMA_WASM_PANIC_REGISTRY` (the Prisma CLI provides it); without one a
 * panic surfaces as an unrelated TypeError. It must sit on Node's global, which is the glue's `global`.
 */
function panicRegistry(): PanicRegistry {
  return (nodeGlobal.PRISMA_WASM_PANIC_REGISTRY ??= {
    set_message(this: PanicRegistry, message: string) {
      this.last = message;
    },
  }) as PanicRegistry;
}

/** Runs `work` against a fresh engine bound to `adapterFactory`, and frees the engine afterwards. */
export async function withSchemaEngine<T>(
  adapterFactory: MigrationAdapterFactory,
  schemaFiles: SchemaFile[],
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const bg = await loadGlue();
  const { bindMigrationAwareSqlAdapterFactory } = nodeRequire('@prisma/driver-adapter-utils') as typeof import('@prisma/driver-adapter-utils');
  const engine = await bg.SchemaEngine.new(
    { datamodels: schemaFiles.map((file) => [file.path, file.content]) },
    () => undefined,
    bindMigrationAwareSqlAdapterFactory(adapterFactory as never),
  );
  try {
    return await work(engine);
  } catch (error: unknown) {
    const registry = panicRegistry();
    if (registry.last) {
      // A panicked instance is unusable: the next call instantiates a fresh one.
      const message = registry.last;
      registry.last = undefined;
      delete glueSlot[GLUE_KEY];
      throw new Error(`schema engine panicked: ${message}`, { cause: error });
    }
    throw error;
  } finally {
    engine.free();
  }
}

/**
 * The engine rejects with Errors from Node's realm (not `instanceof Error` under Jest) or with JSON-ish payloads;
 * give callers one readable message.
 */
export function engineErrorMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}
