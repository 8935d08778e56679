import type { ConnectionTester } from '../probes/connection.tester';
import type { ConnectionResolver } from '../resolve/connection.resolver';
import { ConnectionError, type ConnectionTestResult } from './connection.types';
import type { Connection } from '@junction/persistence';

/**
 * The connection test, for the admin API (ConnectionService) and metrics-aggregator's scheduled checks alike: open the connection (secret, OAuth token
 * source) and run its type's probe (connectivity, authentication, one basic read) within the connection's timeout.
 * Never throws for a provider failure: that is a result with an errorClass. Runs outside any transaction.
 */
export class ConnectionProbe {
  constructor(
    private readonly resolver: ConnectionResolver,
    private readonly tester: ConnectionTester,
  ) {}

  async test(row: Connection): Promise<ConnectionTestResult> {
    const started = performance.now();
    let resolved;
    try {
      resolved = await this.resolver.open(row);
    } catch (error: unknown) {
      if (!(error instanceof ConnectionError)) throw error;
      return { ok: false, latencyMs: Math.round(performance.now() - started), capabilities: [], errorClass: error.code === 'REAUTH_REQUIRED' ? 'auth' : 'config', message: error.message };
    }
    // The connection's own timeout when its config has one; otherwise the tester's default.
    return this.tester.test(resolved, { timeoutMs: typeof resolved.config.timeoutMs === 'number' ? resolved.config.timeoutMs : undefined });
  }
}
