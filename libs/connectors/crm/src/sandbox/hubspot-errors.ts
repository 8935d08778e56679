import { randomUUID } from 'node:crypto';
import type { SandboxResponse } from '@junction/connectors/sandbox-kit';

/**
 * HubSpot's v3 error envelope: `{status:"error", message, correlationId, category, errors?, context?}`.
 * Clients key on `category` (stable) rather than `message` (prose that HubSpot rewords).
 */
export type HubSpotCategory =
  | 'VALIDATION_ERROR'
  | 'CONFLICT'
  | 'OBJECT_NOT_FOUND'
  | 'INVALID_AUTHENTICATION'
  | 'RATE_LIMITS'
  | 'INTERNAL_ERROR';

export interface HubSpotErrorDetail {
  message: string;
  code?: string;
  in?: string;
  context?: Record<string, string[]>;
}

export interface HubSpotErrorBody {
  status: 'error';
  message: string;
  correlationId: string;
  category: HubSpotCategory;
  errors?: HubSpotErrorDetail[];
  context?: Record<string, string[]>;
  errorType?: string;
  policyName?: string;
}

export function hubspotError(
  status: number,
  category: HubSpotCategory,
  message: string,
  extra: Partial<Omit<HubSpotErrorBody, 'status' | 'category' | 'message' | 'correlationId'>> = {},
  headers: Record<string, string> = {},
): SandboxResponse {
  const correlationId = randomUUID();
  const body: HubSpotErrorBody = { status: 'error', message, correlationId, category, ...extra };
  return { status, body, headers: { 'x-hubspot-correlation-id': correlationId, ...headers } };
}

/** One failed property, as HubSpot reports it inside "Property values were not valid: [...]". */
export interface PropertyError {
  name: string;
  error: 'PROPERTY_DOESNT_EXIST' | 'INVALID_OPTION' | 'INVALID_EMAIL' | 'INVALID_INTEGER' | 'INVALID_DATE' | 'REQUIRED';
  message: string;
}

export const HubSpotErrors = {
  authMissing: () =>
    hubspotError(
      401,
      'INVALID_AUTHENTICATION',
      'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
    ),
  authInvalid: () =>
    hubspotError(
      401,
      'INVALID_AUTHENTICATION',
      'The OAuth token used to make this call expired or is invalid. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
    ),
  notFound: (id: string) =>
    hubspotError(404, 'OBJECT_NOT_FOUND', 'Object not found.  objectId are usually numeric.', { context: { id: [id] } }),
  routeNotFound: (method: string, path: string) =>
    hubspotError(404, 'OBJECT_NOT_FOUND', `Unable to infer object type from: ${path} (${method})`),
  invalidBody: (message: string) => hubspotError(400, 'VALIDATION_ERROR', `Invalid input JSON on line 1: ${message}`),
  validation: (message: string, errors: HubSpotErrorDetail[] = []) => hubspotError(400, 'VALIDATION_ERROR', message, { errors }),
  properties: (errors: PropertyError[]) =>
    hubspotError(
      400,
      'VALIDATION_ERROR',
      `Property values were not valid: ${JSON.stringify(
        errors.map((e) => ({ isValid: false, message: e.message, error: e.error, name: e.name, localizedErrorMessage: e.message })),
      )}`,
      { errors: errors.map((e) => ({ message: e.message, code: e.error, context: { propertyName: [e.name] } })) },
    ),
  duplicateContact: (existingId: string) =>
    hubspotError(409, 'CONFLICT', `Contact already exists. Existing ID: ${existingId}`),
  rateLimited: (retryAfterSeconds: number, headers: Record<string, string>) =>
    hubspotError(
      429,
      'RATE_LIMITS',
      'You have reached your ten_secondly_rolling limit.',
      { errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' },
      { ...headers, 'retry-after': String(retryAfterSeconds) },
    ),
  internal: (status: number) => hubspotError(status, 'INTERNAL_ERROR', status === 503 ? 'Service Unavailable' : 'internal error'),
};
