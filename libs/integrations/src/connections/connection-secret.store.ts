import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { CredentialRepository, type Tx } from '@junction/persistence';
import { CredentialService } from '@junction/security';
import { type AuthMethod, type ConnectionSecret, ConnectionError } from './connection.types';

const text = z.string().min(1).max(8192);

/** What each auth method's secret must hold (the `credential` field of the admin API and CLI). */
export const connectionSecretSchemas = {
  api_key: z.strictObject({ apiKey: text, apiSecret: text.optional() }),
  basic: z.strictObject({ username: text, password: text }),
  bearer: z.strictObject({ token: text }),
  jwt: z.strictObject({ token: text }),
  oauth2: z.strictObject({ clientId: text, clientSecret: text }),
  none: z.strictObject({}),
} satisfies Record<AuthMethod, z.ZodType>;

/** The purpose of a connection's credential row. */
export const CONNECTION_SECRET_PURPOSE = 'connection-secret';

/**
 * A connection's secret at rest: validated against its auth method, sealed in the vault as JSON, opened only to
 * call the provider. Errors name the field that is wrong, never its value.
 */
@Injectable()
export class ConnectionSecretStore {
  constructor(
    private readonly credentials: CredentialService,
    private readonly rows: CredentialRepository,
  ) {}

  /** The secret for `authMethod`, or INVALID_CREDENTIAL naming the offending field (400). */
  parse(authMethod: AuthMethod, input: unknown): ConnectionSecret {
    const parsed = connectionSecretSchemas[authMethod].safeParse(input ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = ['credential', ...issue.path.map(String)].join('.');
      const allowed = Object.keys(connectionSecretSchemas[authMethod].shape).join(', ') || 'nothing';
      const message = issue.code === 'unrecognized_keys' ? `${field}: ${issue.message} (auth method ${authMethod} takes ${allowed})` : `${field}: ${issue.message}`;
      throw new ConnectionError('INVALID_CREDENTIAL', 400, message);
    }
    return { authMethod, ...parsed.data } as ConnectionSecret;
  }

  /** Seals the secret in the caller's transaction; returns the credential row's id. */
  seal(tx: Tx, tenantId: string, secret: ConnectionSecret, expiresAt?: Date | null): Promise<string> {
    return this.credentials.store(tx, { tenantId, purpose: CONNECTION_SECRET_PURPOSE, plaintext: JSON.stringify(secret), expiresAt: expiresAt ?? null });
  }

  /** The opened secret, or null when the row is gone. Throws VaultError (no secret in it) when it cannot open. */
  async open(credentialId: string): Promise<ConnectionSecret | null> {
    const row = await this.rows.findById(credentialId);
    return row ? (JSON.parse(this.credentials.reveal(row)) as ConnectionSecret) : null;
  }
}
