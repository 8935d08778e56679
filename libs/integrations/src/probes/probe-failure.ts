import type { ConnectionTestResult, ProbeErrorClass } from '../connections/connection.types';

/**
 * A classified probe failure. The message is written by the probe (never a provider's body, header or error text,
 * which can echo a credential) and is what the operator reads.
 */
export class ProbeFailure extends Error {
  override readonly name = 'ProbeFailure';
  constructor(
    readonly errorClass: ProbeErrorClass,
    message: string,
  ) {
    super(message);
  }
}

/** Runs a probe body, timing it; a ProbeFailure becomes a result, anything else a protocol failure without its text. */
export async function runProbe(label: string, body: () => Promise<{ capabilities: string[]; message: string }>): Promise<ConnectionTestResult> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const { capabilities, message } = await body();
    return { ok: true, latencyMs: latency(), capabilities, errorClass: null, message };
  } catch (error) {
    const failure = error instanceof ProbeFailure ? error : new ProbeFailure('protocol', `${label}: the test failed unexpectedly (${errorName(error)})`);
    return { ok: false, latencyMs: latency(), capabilities: [], errorClass: failure.errorClass, message: failure.message };
  }
}

/** A name safe to show: an error's class and code, never its message. */
export function errorName(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' || typeof code === 'number' ? `${error.name} ${code}` : error.name;
}

/** A config field as a string, or a config failure naming it. */
export function requiredText(config: Record<string, unknown>, field: string, label: string): string {
  const value = config[field];
  if (typeof value !== 'string' || value.trim() === '') throw new ProbeFailure('config', `${label}: config.${field} is required`);
  return value;
}

export function optionalText(config: Record<string, unknown>, field: string): string | undefined {
  const value = config[field];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** An http(s) URL from config; its host (never userinfo) is what messages name. */
export function configUrl(value: string, field: string, label: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ProbeFailure('config', `${label}: config.${field} is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ProbeFailure('config', `${label}: config.${field} must be an http(s) URL`);
  return url;
}
