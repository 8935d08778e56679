/**
 * Test-only fixtures for probe specs: a connection builder and raw HTTP servers that misbehave in ways the
 * provider sandboxes do not (a closed port, garbage bodies). Not exported from the lib's index.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConnectionSecret, ResolvedConnection } from '../connections/connection.types';

export function connection(typeSlug: string, config: Record<string, unknown>, secret: ConnectionSecret | null, extra: Partial<ResolvedConnection> = {}): ResolvedConnection {
  return { id: '00000000-0000-4000-8000-000000000001', tenantId: 't1', typeSlug, name: `${typeSlug}-test`, authMethod: secret?.authMethod ?? 'none', config, secret, ...extra };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A server answering every request with `status`, `contentType` and `body`. */
export async function rawServer(status: number, body: string, contentType = 'text/html'): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': contentType });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
