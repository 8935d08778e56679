/**
 * How ErpNextMcpClient reads an error result's text when the server sent no `_meta.errorClass` / `_meta.httpStatus`
 * (the rest of the classification is libs/mcp's, shared with LinkedIn's and Reddit's adapters). ERPNext's own table:
 * Frappe says "mandatory" for a missing field, and its auth failures name an API key, not an access token.
 */
import type { ToolErrorTextRules } from '@junction/mcp';

/** First match wins; order matters ("Tool x not found" is our misconfiguration, not a missing document). */
export const ERPNEXT_TOOL_ERROR_TEXT_RULES: ToolErrorTextRules = [
  [/\btool \S+ (?:not found|disabled)\b/i, 'client'],
  [/input validation error|invalid arguments/i, 'validation'],
  [/output validation error/i, 'client'],
  [/not found|does ?not ?exist|no such/i, 'not_found'],
  [/already exists|duplicate/i, 'conflict'],
  [/rate.?limit|too many requests/i, 'rate_limit'],
  [/timed? ?out\b|timeout/i, 'timeout'],
  [/unauthori[sz]ed|authentication|invalid (?:api )?(?:key|token|credentials)/i, 'auth'],
  [/forbidden|permission|not permitted/i, 'forbidden'],
  [/validation|mandatory|invalid|cannot|can't|not allowed/i, 'validation'],
];
