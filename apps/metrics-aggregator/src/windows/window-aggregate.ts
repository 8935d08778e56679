import type { DDSketch } from '@datadog/sketches-js';
import type { MessagePayload } from '@junction/contracts';
import { decodeSketch, encodeSketch, newSketch, quantile } from './latency-sketch';

export const WindowSizes = ['1m', '1h'] as const;
export type WindowSize = (typeof WindowSizes)[number];
const WINDOW_MS: Record<WindowSize, number> = { '1m': 60_000, '1h': 3_600_000 };

/**
 * Failures that mean the provider (or the way to it) was down: uptime's complement. A 4xx the caller caused
 * (validation, not_found, conflict, client), an auth problem or our own rate limit says nothing about availability.
 */
const UNAVAILABLE_OUTCOMES: ReadonlySet<string> = new Set(['network', 'timeout', 'server', 'circuit_open']);

export type CallRecorded = MessagePayload<'integration.call.recorded'>;

export interface WindowKey {
  windowSize: WindowSize;
  windowStart: Date;
  tenantId: string;
  provider: string;
  connection: string;
  operation: string;
}

/** A window's mergeable state (what is stored; the derived columns are computed from it). */
export interface WindowState extends WindowKey {
  total: number;
  successful: number;
  failed: number;
  unavailable: number;
  latencySumMs: number;
  latencyMaxMs: number;
  sketch: DDSketch;
  lastSuccessAt: Date | null;
  lastErrorAt: Date | null;
  lastErrorCode: string | null;
  lastErrorStatus: number | null;
  lastErrorMessage: string | null;
  /** The breaker state of the latest call (by its occurredAt) in the window. */
  breakerState: string | null;
  breakerStateAt: Date | null;
}

export interface WindowRow extends Omit<WindowState, 'sketch' | 'breakerStateAt'> {
  errorRate: number;
  uptimePct: number;
  avgLatencyMs: number;
  p95LatencyMs: number;
  p99LatencyMs: number;
  latencySketch: Uint8Array;
}

export function windowStart(at: Date, size: WindowSize): Date {
  const ms = WINDOW_MS[size];
  return new Date(Math.floor(at.getTime() / ms) * ms);
}

/** Stable identity and lock order of a window row. */
export function keyString(k: WindowKey): string {
  return JSON.stringify([k.windowSize, k.windowStart.toISOString(), k.tenantId, k.provider, k.connection, k.operation]);
}

export function emptyState(key: WindowKey): WindowState {
  return {
    ...key,
    total: 0,
    successful: 0,
    failed: 0,
    unavailable: 0,
    latencySumMs: 0,
    latencyMaxMs: 0,
    sketch: newSketch(),
    lastSuccessAt: null,
    lastErrorAt: null,
    lastErrorCode: null,
    lastErrorStatus: null,
    lastErrorMessage: null,
    breakerState: null,
    breakerStateAt: null,
  };
}

/**
 * Folds call records into one state per (window size, window start, tenant, provider, connection, operation).
 * Windows follow the call's own occurredAt, not the time it arrived, so a late or redelivered record lands in the
 * window it belongs to.
 */
export function foldCalls(calls: ReadonlyArray<{ tenantId: string; payload: CallRecorded }>): Map<string, WindowState> {
  const states = new Map<string, WindowState>();
  for (const { tenantId, payload } of calls) {
    const at = new Date(payload.occurredAt);
    for (const windowSize of WindowSizes) {
      const key: WindowKey = { windowSize, windowStart: windowStart(at, windowSize), tenantId, provider: payload.provider, connection: payload.connection, operation: payload.operation };
      const id = keyString(key);
      const state = states.get(id) ?? emptyState(key);
      addCall(state, payload, at);
      states.set(id, state);
    }
  }
  return states;
}

function addCall(state: WindowState, call: CallRecorded, at: Date): void {
  state.total += 1;
  state.latencySumMs += call.latencyMs;
  state.latencyMaxMs = Math.max(state.latencyMaxMs, call.latencyMs);
  state.sketch.accept(call.latencyMs);
  if (call.outcome === 'success') {
    state.successful += 1;
    state.lastSuccessAt = later(state.lastSuccessAt, at);
  } else {
    state.failed += 1;
    if (UNAVAILABLE_OUTCOMES.has(call.outcome)) state.unavailable += 1;
    if (!state.lastErrorAt || at >= state.lastErrorAt) {
      state.lastErrorAt = at;
      state.lastErrorCode = call.outcome;
      state.lastErrorStatus = call.httpStatus ?? null;
      state.lastErrorMessage = errorMessage(call);
    }
  }
  if (!state.breakerStateAt || at >= state.breakerStateAt) {
    state.breakerStateAt = at;
    state.breakerState = call.breakerState;
  }
}

/**
 * The record carries no provider text on purpose (it could hold a secret or personal data): the message is built
 * from the outcome class and the status only.
 */
function errorMessage(call: CallRecorded): string {
  const status = call.httpStatus ? ` (HTTP ${call.httpStatus})` : '';
  return `${call.outcome.replace('_', ' ')} failure${status} on attempt ${call.attempt}`;
}

/** `into` + `from`, in place: counts add, sketches merge, the latest success / error / breaker state wins. */
export function mergeInto(into: WindowState, from: WindowState): WindowState {
  into.total += from.total;
  into.successful += from.successful;
  into.failed += from.failed;
  into.unavailable += from.unavailable;
  into.latencySumMs += from.latencySumMs;
  into.latencyMaxMs = Math.max(into.latencyMaxMs, from.latencyMaxMs);
  into.sketch.merge(from.sketch);
  into.lastSuccessAt = later(into.lastSuccessAt, from.lastSuccessAt);
  if (from.lastErrorAt && (!into.lastErrorAt || from.lastErrorAt >= into.lastErrorAt)) {
    into.lastErrorAt = from.lastErrorAt;
    into.lastErrorCode = from.lastErrorCode;
    into.lastErrorStatus = from.lastErrorStatus;
    into.lastErrorMessage = from.lastErrorMessage;
  }
  if (from.breakerState && (!into.breakerStateAt || (from.breakerStateAt && from.breakerStateAt >= into.breakerStateAt))) {
    into.breakerState = from.breakerState;
    into.breakerStateAt = from.breakerStateAt;
  }
  return into;
}

/** What is written: the state plus the figures derived from it. */
export function toRow(state: WindowState): WindowRow {
  const { sketch, breakerStateAt: _at, ...rest } = state;
  return {
    ...rest,
    errorRate: state.total === 0 ? 0 : state.failed / state.total,
    uptimePct: state.total === 0 ? 100 : (100 * (state.total - state.unavailable)) / state.total,
    avgLatencyMs: state.total === 0 ? 0 : state.latencySumMs / state.total,
    p95LatencyMs: quantile(sketch, 0.95),
    p99LatencyMs: quantile(sketch, 0.99),
    latencySketch: encodeSketch(sketch),
  };
}

/**
 * A stored row back into mergeable state. Every call is either the latest success or the latest error candidate, so
 * the later of the two is the time of the row's latest call: the one its breakerState came from.
 */
export function fromRow(row: Omit<WindowRow, 'errorRate' | 'uptimePct' | 'avgLatencyMs' | 'p95LatencyMs' | 'p99LatencyMs'>): WindowState {
  const { latencySketch, ...rest } = row;
  return { ...rest, sketch: decodeSketch(latencySketch), breakerStateAt: row.breakerState ? later(row.lastErrorAt, row.lastSuccessAt) : null };
}

function later(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a >= b ? a : b;
}
