/** Reading Frappe documents: fields may be absent, null, numbers sent as strings, or 0/1 for checkboxes. */

export function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const s = String(value);
  return s === '' ? null : s;
}

/** Bounded for an event's schema (a long description must not make the event invalid). */
export function textMax(value: unknown, max = 140): string | null {
  const s = text(value);
  return s === null ? null : s.slice(0, max);
}

export function numberOrNull(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

export function numberOr0(value: unknown): number {
  return numberOrNull(value) ?? 0;
}

export function flag(value: unknown): boolean {
  return value === true || Number(value) === 1;
}

export function docstatusOf(value: unknown): 0 | 1 | 2 {
  const n = Number(value);
  return n === 1 ? 1 : n === 2 ? 2 : 0;
}
