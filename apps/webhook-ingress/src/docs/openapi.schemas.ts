import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiForbiddenResponse, ApiResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { AuthMethods, ConnectionEventTypes, ConnectionStatuses, IntegrationKinds, ProbeErrorClasses } from '@junction/integrations';

/** The security scheme name of `Authorization: Bearer <API key>` in the OpenAPI document. */
export const API_KEY_SCHEME = 'api-key';

/**
 * A zod schema as the OpenAPI 3.0 schema of what a client sends (`io: 'input'`: defaults are optional, transforms
 * are described by their input). The body docs are generated from the schemas the services validate with, so the
 * document cannot drift from the checks.
 */
export function openApiSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', target: 'openapi-3.0', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

export const ZodBody = (schema: z.ZodType, description?: string) => ApiBody({ schema: openApiSchema(schema), description });

/** `{code, message}`: every error answer of the API (HttpErrorFilter). */
export const errorSchema = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string', description: 'stable, for programs (e.g. CONNECTION_NOT_FOUND)' },
    message: { type: 'string', description: 'for people; names the offending field; never holds a secret' },
  },
};

export const ErrorResponse = (status: number, description: string) => ApiResponse({ status, description, schema: errorSchema });

/** Bearer API key with `scope`; 401 and 403 documented once. */
export const ApiKeyDocs = (scope: string) =>
  applyDecorators(
    ApiBearerAuth(API_KEY_SCHEME),
    ApiUnauthorizedResponse({ description: 'UNAUTHORIZED: missing, wrong or revoked API key', schema: errorSchema }),
    ApiForbiddenResponse({ description: `INSUFFICIENT_SCOPE: the key lacks the ${scope} scope`, schema: errorSchema }),
  );

const nullableDate = { type: 'string', format: 'date-time', nullable: true };

export const connectionViewSchema = {
  type: 'object',
  description: 'A connection. Never holds the credential: only whether there is one and its dates.',
  properties: {
    id: { type: 'string', format: 'uuid' },
    tenantId: { type: 'string' },
    type: { type: 'string', description: 'integration type slug' },
    name: { type: 'string' },
    authMethod: { type: 'string', enum: [...AuthMethods] },
    config: { type: 'object', additionalProperties: true },
    status: { type: 'string', enum: [...ConnectionStatuses] },
    isDefault: { type: 'boolean' },
    hasCredential: { type: 'boolean' },
    credentialExpiresAt: nullableDate,
    credentialRotatedAt: nullableDate,
    lastTestedAt: nullableDate,
    lastError: { type: 'object', nullable: true, properties: { code: { type: 'string' }, message: { type: 'string' } } },
    connectedAt: nullableDate,
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};

export const testResultSchema = {
  type: 'object',
  properties: {
    ok: { type: 'boolean' },
    latencyMs: { type: 'integer' },
    capabilities: { type: 'array', items: { type: 'string' } },
    errorClass: { type: 'string', nullable: true, enum: [...ProbeErrorClasses, null] },
    message: { type: 'string' },
  },
};

export const integrationTypeSchema = {
  type: 'object',
  properties: {
    slug: { type: 'string' },
    name: { type: 'string' },
    kind: { type: 'string', enum: [...IntegrationKinds] },
    category: { type: 'string' },
    description: { type: 'string' },
    authMethods: { type: 'array', items: { type: 'string' }, description: 'the first is the default' },
    configSchema: { type: 'object', description: 'JSON Schema (draft 2020-12) a connection’s config must satisfy' },
    oauth: { type: 'object', nullable: true, description: 'OAuth 2.0 defaults (endpoints, scopes) for auth method oauth2' },
    active: { type: 'boolean' },
  },
};

export const logsSchema = {
  type: 'object',
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          type: { type: 'string', description: ConnectionEventTypes.join(' | ') },
          actor: { type: 'string' },
          detail: { type: 'object' },
          occurredAt: { type: 'string', format: 'date-time' },
        },
      },
    },
    nextBefore: { ...nullableDate, description: 'pass as `before` for the next (older) page' },
  },
};

export const healthSchema = {
  type: 'object',
  properties: {
    status: {
      type: 'object',
      description: 'The status metrics-aggregator keeps from its scheduled checks and the connection’s recent calls, since when, and why',
      properties: {
        status: { type: 'string', enum: ['healthy', 'degraded', 'down', 'unknown'] },
        since: nullableDate,
        reasons: {
          type: 'array',
          items: { type: 'object', properties: { code: { type: 'string', description: 'REAUTH_REQUIRED | AUTH_FAILED | CHECKS_FAILING | CHECK_FAILED | SLOW_CHECK | HIGH_ERROR_RATE | HIGH_LATENCY' }, message: { type: 'string' } } },
        },
      },
    },
    items: { type: 'array', items: { allOf: [testResultSchema, { type: 'object', properties: { id: { type: 'string' }, checkedAt: { type: 'string', format: 'date-time' } } }] } },
    summary: {
      type: 'object',
      properties: {
        checks: { type: 'integer' },
        ok: { type: 'integer' },
        failed: { type: 'integer' },
        uptimeRatio: { type: 'number', nullable: true },
        p50LatencyMs: { type: 'integer', nullable: true, description: 'of the successful checks in the window' },
        p95LatencyMs: { type: 'integer', nullable: true },
        from: nullableDate,
        to: nullableDate,
      },
    },
  },
};
