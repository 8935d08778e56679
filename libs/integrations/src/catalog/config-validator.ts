import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { ConnectionError } from '../connections/connection.types';

/**
 * A connection's config against its type's JSON Schema (draft 2020-12). Defaults are filled in (useDefaults), so
 * the stored config is complete. Each schema is compiled once, on first use. Errors name the field path
 * (`config.baseUrl: must match format "uri"`), never the value.
 */
export class ConfigValidator {
  private readonly ajv = new Ajv2020({ allErrors: false, useDefaults: true, strict: true, allowUnionTypes: true });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor() {
    addFormats(this.ajv, ['uri']);
  }

  /** The config with defaults applied, or INVALID_CONFIG (400). `input` is not modified. */
  validate(slug: string, schema: Record<string, unknown>, input: unknown): Record<string, unknown> {
    let validate = this.compiled.get(slug);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.compiled.set(slug, validate);
    }
    const config = structuredClone(input ?? {}) as Record<string, unknown>;
    if (!validate(config)) throw new ConnectionError('INVALID_CONFIG', 400, describe(validate.errors?.[0], slug));
    return config;
  }
}

function describe(error: ErrorObject | undefined, slug: string): string {
  if (!error) return `config: does not match the ${slug} config schema`;
  const path = ['config', ...error.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))];
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${[...path, String(params.missingProperty)].join('.')}: is required by ${slug}`;
    case 'additionalProperties':
      return `${[...path, String(params.additionalProperty)].join('.')}: is not a ${slug} setting`;
    default:
      return `${path.join('.')}: ${error.message ?? 'is invalid'}`;
  }
}
