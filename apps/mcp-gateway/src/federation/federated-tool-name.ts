import { createHash } from 'node:crypto';

/** Longest federated tool name: what most MCP clients and LLM APIs accept (`^[A-Za-z0-9_-]{1,64}$`). */
export const MAX_TOOL_NAME = 64;
/** `<connection>__<tool>`: two underscores, which no name written by the rule below can hold at the seam. */
export const SEPARATOR = '__';
/** Characters of the connection's name kept in a shortened name. */
const SHORT_PREFIX = 20;
const HASH = 8;

/**
 * The name a connection's tool is listed under in /mcp: `<connection name>__<tool name>` when both are already in
 * the portable charset [A-Za-z0-9_-] (the connection name without `__` and not ending in `_`, so the seam is
 * unambiguous) and it fits in 64 characters. Otherwise each part is sanitized (any other character becomes `_`),
 * shortened (20 characters of the connection name, the tool name up to the limit), and an 8-hex SHA-256 of the exact
 * pair is appended, so two pairs that sanitize alike still differ. Depends on the two names only: stable across
 * replicas and restarts; renaming the connection renames its tools.
 */
export function federatedToolName(connectionName: string, toolName: string): string {
  const connection = sanitize(connectionName);
  const tool = sanitize(toolName);
  const plain = `${connection}${SEPARATOR}${tool}`;
  const exact = connection === connectionName && tool === toolName && !connection.includes(SEPARATOR) && !connection.endsWith('_');
  if (exact && plain.length <= MAX_TOOL_NAME) return plain;
  const hash = createHash('sha256').update(JSON.stringify([connectionName, toolName])).digest('hex').slice(0, HASH);
  const head = connection.slice(0, SHORT_PREFIX);
  const room = MAX_TOOL_NAME - head.length - SEPARATOR.length - 1 - HASH;
  return `${head}${SEPARATOR}${tool.slice(0, room)}_${hash}`;
}

/** What every name of a connection's tools starts with (the routing pre-filter). */
export function federatedPrefixOf(connectionName: string): string {
  return sanitize(connectionName).slice(0, SHORT_PREFIX);
}

function sanitize(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '_') || '_';
}
