/**
 * Stable error codes: what a caller (HTTP, CLI, a dead-letter reason) can switch on. Never reuse or
 * rename one; add a new code instead.
 */
export const ErrorCodes = {
  validationFailed: 'VALIDATION_FAILED',
  unknownMessageType: 'UNKNOWN_MESSAGE_TYPE',
  unsupportedVersion: 'UNSUPPORTED_VERSION',
  malformedMessage: 'MALFORMED_MESSAGE',
  maxDeliveriesExceeded: 'MAX_DELIVERIES_EXCEEDED',
  handlerFailed: 'HANDLER_FAILED',
  noHandler: 'NO_HANDLER',
  unauthorized: 'UNAUTHORIZED',
  notFound: 'NOT_FOUND',
  unavailable: 'UNAVAILABLE',
  providerValidation: 'PROVIDER_VALIDATION',
  providerUnavailable: 'PROVIDER_UNAVAILABLE',
  providerAuth: 'PROVIDER_AUTH',
  providerConflict: 'PROVIDER_CONFLICT',
  internal: 'INTERNAL',
  // Webhook ingress (HTTP answers and audit rows).
  endpointNotFound: 'ENDPOINT_NOT_FOUND',
  missingSignature: 'MISSING_SIGNATURE',
  invalidSignature: 'INVALID_SIGNATURE',
  timestampOutOfTolerance: 'TIMESTAMP_OUT_OF_TOLERANCE',
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
  unsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  malformedPayload: 'MALFORMED_PAYLOAD',
  rateLimited: 'RATE_LIMITED',
  /** A routing rule's mapping failed or produced a command its schema rejects (the event is dead-lettered). */
  mappingFailed: 'MAPPING_FAILED',
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
