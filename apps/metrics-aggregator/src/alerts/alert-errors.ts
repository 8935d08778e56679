/** Stable codes of the alerts API and CLI (ManagementError: `{ code, message }` with its status). */
export const AlertErrors = {
  invalidQuery: 'INVALID_QUERY',
  notFound: 'ALERT_NOT_FOUND',
  unknownRule: 'ALERT_RULE_UNKNOWN',
  invalidRule: 'ALERT_RULE_INVALID',
} as const;
