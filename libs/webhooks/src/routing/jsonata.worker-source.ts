/** Keys dropped at the JSON boundary in both directions: they could only ever mean prototype games. */
export const UNSAFE_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

export type WorkerReply =
  | { ready: true }
  | { id: number; json?: string }
  | { id: number; error: { code: string; message: string; position?: number } };

/**
 * The evaluator's worker, as plain JavaScript text run with `new Worker(source, { eval: true })`: no separate
 * entry file for the build to emit or for Jest to transform, and nothing a compiler or coverage tool injects.
 *
 * Compiled expressions are cached by source (bounded). The worker outlives evaluations, so it relies on JSONata
 * not letting an expression patch a shared prototype (fixed in jsonata 2.0.4, CVE-2024-27307; the spec checks
 * it). Freezing the intrinsics here is not an option: JSONata assigns its own `push` on arrays, which a frozen
 * Array.prototype turns into a TypeError (the "override mistake").
 */
export const JSONATA_WORKER_SOURCE = `'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const jsonata = require(workerData.jsonataPath);
const { limits, unsafeKeys } = workerData;
const options = { timeout: limits.timeoutMs, stack: limits.maxDepth, sequence: limits.maxSequence };
const compiled = new Map();
const revive = (key, value) => (unsafeKeys.includes(key) ? undefined : value);

async function run(job) {
  let expression = compiled.get(job.source);
  if (!expression) {
    if (compiled.size >= 1000) compiled.clear();
    expression = jsonata(job.source, options);
    compiled.set(job.source, expression);
  }
  const value = await expression.evaluate(JSON.parse(job.input, revive), JSON.parse(job.bindings, revive));
  if (isFunction(value)) throw { code: 'NOT_DATA', message: 'the mapping returned a function, not data' };
  return JSON.stringify(value, (key, v) => (isFunction(v) ? undefined : v));
}

// JSONata's lambdas are objects (their AST inside), not JS functions; like JSON, drop them from data.
function isFunction(v) {
  return typeof v === 'function' || (typeof v === 'object' && v !== null && (v._jsonata_lambda === true || v._jsonata_function === true));
}

function reason(e) {
  const error = { code: String((e && e.code) || 'EVALUATION_FAILED'), message: String((e && e.message) || e) };
  if (e && typeof e.position === 'number') error.position = e.position;
  return error;
}

parentPort.on('message', (job) => {
  run(job).then(
    (json) => parentPort.postMessage({ id: job.id, json }),
    (e) => parentPort.postMessage({ id: job.id, error: reason(e) }),
  );
});
parentPort.postMessage({ ready: true });
`;
