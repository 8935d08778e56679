import { isUtf8 } from 'node:buffer';
import secureJson from 'secure-json-parse';

export type ContentKind = 'json' | 'form';
/** `json`: the JSON text that was parsed (BOM dropped), to be stored as received rather than serialized again. */
export type ParsedPayload = { ok: true; value: unknown; json?: string } | { ok: false; reason: string };

/** Deeper than any real provider payload, shallow enough that serialising it can never exhaust the stack. */
export const MAX_DEPTH = 128;

/** JSON (`application/json`, `application/*+json`) and form-encoded bodies; anything else is 415. */
export function contentKind(contentType: string | undefined): ContentKind | undefined {
  const mediaType = contentType?.split(';', 1)[0]!.trim().toLowerCase();
  if (!mediaType) return undefined;
  if (mediaType === 'application/json' || (mediaType.startsWith('application/') && mediaType.endsWith('+json'))) return 'json';
  if (mediaType === 'application/x-www-form-urlencoded') return 'form';
  return undefined;
}

/**
 * Only called after the signature holds. Refuses invalid UTF-8, nesting deeper than MAX_DEPTH, and the
 * prototype-pollution keys Fastify refuses (`__proto__`, `constructor.prototype`).
 */
export function parsePayload(raw: Buffer, kind: ContentKind): ParsedPayload {
  if (!isUtf8(raw)) return { ok: false, reason: 'the body is not valid UTF-8' };
  // A leading BOM is dropped, as a fatal TextDecoder (and secure-json-parse) would.
  const text = raw.toString('utf8', raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf ? 3 : 0);
  if (kind === 'form') return { ok: true, value: parseForm(text) };
  if (bracketCount(text) > MAX_DEPTH && nestingDepth(text) > MAX_DEPTH) return { ok: false, reason: `JSON nested deeper than ${MAX_DEPTH} levels` };
  try {
    // secure-json-parse's own check scans the text with two regular expressions after parsing; a text holding
    // neither key nor any \u escape (which could spell one) cannot match them, so plain JSON.parse is the same.
    if (!text.includes('\\u') && !text.includes('__proto__') && !text.includes('constructor')) return { ok: true, value: JSON.parse(text) as unknown, json: text };
    // Refuses rather than removes: a value it returns is exactly what the text says.
    return { ok: true, value: secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }), json: text };
  } catch (error) {
    return { ok: false, reason: `invalid JSON: ${(error as Error).message.slice(0, 200)}` };
  }
}

/** Form fields as an object (own properties only, so `__proto__=` is just a field); a JSON `payload` field (GitHub, Slack interactivity) is unwrapped. */
function parseForm(text: string): unknown {
  const fields = Object.fromEntries(new URLSearchParams(text));
  const keys = Object.keys(fields);
  if (keys.length === 1 && keys[0] === 'payload' && nestingDepth(fields.payload!) <= MAX_DEPTH) {
    try {
      return secureJson.parse(fields.payload!, undefined, { protoAction: 'remove', constructorAction: 'remove' }) as unknown;
    } catch {
      // not JSON: keep the field as text
    }
  }
  return fields;
}

/**
 * Opening brackets anywhere in the text (strings included): an upper bound of the nesting depth, counted with
 * native searches, so that a typical payload (a few dozen brackets) skips the character-by-character scan.
 */
function bracketCount(text: string): number {
  let count = 0;
  for (const bracket of ['{', '[']) {
    for (let i = text.indexOf(bracket); i !== -1; i = text.indexOf(bracket, i + 1)) {
      if (++count > MAX_DEPTH) return count;
    }
  }
  return count;
}

/** Maximum bracket depth outside strings, scanning the text once without parsing it. */
function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) max = depth;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}
