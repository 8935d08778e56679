import { Inject, Injectable, Logger, type OnApplicationBootstrap, Optional } from '@nestjs/common';
import { type IntegrationType, IntegrationTypeRepository, type Prisma } from '@junction/persistence';
import { type AuthMethod, ConnectionError, type IntegrationKind, type IntegrationTypeDefinition, type OAuthProviderDefaults } from '../connections/connection.types';
import { INTEGRATIONS_OPTIONS, type IntegrationsOptions, stdioCommandAllowed } from '../integrations.options';
import { ConfigValidator } from './config-validator';
import { INTEGRATION_TYPES } from './integration-types';

export { INTEGRATION_TYPES, LINKEDIN_OAUTH_DEFAULTS } from './integration-types';

/** Replaces INTEGRATION_TYPES (tests of the catalog's own behaviour only). */
export const INTEGRATION_TYPE_DEFINITIONS = Symbol('INTEGRATION_TYPE_DEFINITIONS');

/** A catalog entry as the admin API and CLI show it. */
export interface IntegrationTypeView {
  slug: string;
  name: string;
  kind: IntegrationKind;
  category: string;
  description: string;
  authMethods: AuthMethod[];
  configSchema: Record<string, unknown>;
  /** OAuth 2.0 defaults (auth method oauth2), null when the type has none. */
  oauth: OAuthProviderDefaults | null;
  /** false: code no longer declares it; existing connections keep working, new ones are refused. */
  active: boolean;
}

export interface IntegrationTypeSearch {
  q?: string;
  kind?: string;
  category?: string;
}

/**
 * The integration catalog: declared in code (INTEGRATION_TYPES), stored in integration_type at start so that
 * connections reference it and operators can query it, searched by text, kind and category. Also the one place a
 * connection's config is checked against its type's schema.
 */
@Injectable()
export class IntegrationCatalog implements OnApplicationBootstrap {
  private readonly logger = new Logger(IntegrationCatalog.name);
  private readonly validator = new ConfigValidator();
  private readonly declared: ReadonlyMap<string, IntegrationTypeDefinition>;
  private synced?: Promise<unknown>;

  constructor(
    private readonly types: IntegrationTypeRepository,
    @Optional() @Inject(INTEGRATION_TYPE_DEFINITIONS) definitions?: readonly IntegrationTypeDefinition[],
    @Optional() @Inject(INTEGRATIONS_OPTIONS) private readonly options?: IntegrationsOptions,
  ) {
    this.declared = new Map((definitions ?? INTEGRATION_TYPES).map((d) => [d.slug, d]));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureSynced();
  }

  /**
   * The start-up sync, once per process: whoever needs the integration_type rows first (this hook, or another
   * provider's bootstrap that runs before it) starts it, the others await the same run. A failed run is retried.
   */
  ensureSynced(): Promise<unknown> {
    this.synced ??= this.sync().catch((error: unknown) => {
      this.synced = undefined;
      throw error;
    });
    return this.synced;
  }

  /** Upserts the declared types; types no longer declared become inactive (their connections stay). */
  async sync(): Promise<{ active: number; deactivated: string[] }> {
    const deactivated = await this.types.sync(
      [...this.declared.values()].map((d) => ({
        slug: d.slug,
        name: d.name,
        kind: d.kind,
        category: d.category,
        description: d.description,
        authMethods: d.authMethods,
        configSchema: d.configSchema as Prisma.InputJsonObject,
      })),
    );
    if (deactivated.length > 0) this.logger.warn({ deactivated }, `integration types no longer declared, now inactive: ${deactivated.join(', ')}`);
    return { active: this.declared.size, deactivated };
  }

  async search(filter: IntegrationTypeSearch = {}): Promise<IntegrationTypeView[]> {
    return (await this.types.search({ q: filter.q, kind: filter.kind, category: filter.category })).map((row) => this.view(row));
  }

  /** The type (also an inactive one), or 404 UNKNOWN_INTEGRATION_TYPE. */
  async get(slug: string): Promise<IntegrationTypeView> {
    const row = await this.types.findBySlug(slug);
    if (!row) throw unknownType(slug, 404);
    return this.view(row);
  }

  /** A type a new connection may use: 400 UNKNOWN_INTEGRATION_TYPE, or INTEGRATION_TYPE_INACTIVE. */
  async usable(slug: string): Promise<IntegrationTypeView> {
    const row = await this.types.findBySlug(slug);
    if (!row) throw unknownType(slug, 400);
    if (!row.active) throw new ConnectionError('INTEGRATION_TYPE_INACTIVE', 400, `type: "${slug}" is no longer offered; existing connections keep working, new ones cannot be created`);
    return this.view(row);
  }

  /**
   * The config with the schema's defaults filled in, or 400 INVALID_CONFIG naming the field; an mcp-stdio command the
   * operator has not allowed (MCP_STDIO_COMMANDS) is 403 MCP_COMMAND_NOT_ALLOWED.
   */
  validateConfig(type: Pick<IntegrationTypeView, 'slug' | 'configSchema'>, config: unknown): Record<string, unknown> {
    // The declared schema when code has it (what sync stored); a stored row only when this build does not know the type.
    const schema = this.declared.get(type.slug)?.configSchema ?? type.configSchema;
    const valid = this.validator.validate(type.slug, schema, config);
    // A provider connection over a stdio MCP server (transport mcp) starts a process too.
    const [field, command] = type.slug === 'mcp-stdio' ? ['config.command', valid.command] : ['config.mcp.command', (valid.mcp as { command?: unknown } | undefined)?.command];
    if ((type.slug === 'mcp-stdio' || command !== undefined) && !stdioCommandAllowed(this.options, command)) {
      throw new ConnectionError(
        'MCP_COMMAND_NOT_ALLOWED',
        403,
        `${field}: this deployment does not allow running "${String(command).slice(0, 200)}" as an MCP stdio server (an operator lists allowed commands in MCP_STDIO_COMMANDS)`,
      );
    }
    return valid;
  }

  /** OAuth defaults of a type, from code (not stored: endpoints are code, not data). */
  oauthDefaults(slug: string): OAuthProviderDefaults | null {
    return this.declared.get(slug)?.oauth ?? null;
  }

  private view(row: IntegrationType): IntegrationTypeView {
    return {
      slug: row.slug,
      name: row.name,
      kind: row.kind as IntegrationKind,
      category: row.category,
      description: row.description,
      authMethods: row.authMethods as AuthMethod[],
      configSchema: row.configSchema as Record<string, unknown>,
      oauth: this.oauthDefaults(row.slug),
      active: row.active,
    };
  }
}

function unknownType(slug: string, status: 400 | 404): ConnectionError {
  return new ConnectionError('UNKNOWN_INTEGRATION_TYPE', status, `type: no integration type "${slug}" (see GET /admin/integration-types)`);
}
