import { randomBytes } from 'node:crypto';
import { AuditEventRepository, CredentialRepository, WebhookEndpointRepository } from '@junction/persistence';
import { CredentialService, CredentialVault, formatKeyEntry, parseKeyRing } from '@junction/security';
import type { TestDatabase } from '@junction/testing';
import { WebhookEndpointService } from './webhook-endpoint.service';

/** The service over a real test database, with a fresh one-key ring. For the *.int-spec.ts beside it. */
export function endpointServiceFor(db: TestDatabase, audit = new AuditEventRepository(db.prisma)) {
  const vault = new CredentialVault(parseKeyRing(formatKeyEntry('k1', randomBytes(32))));
  const credentials = new CredentialService(vault, new CredentialRepository(db.prisma));
  const endpoints = new WebhookEndpointRepository(db.prisma);
  return { service: new WebhookEndpointService(db.prisma, endpoints, credentials, audit), endpoints, credentials, audit };
}

/** Deletes every row the endpoint tests write, children first. */
export async function clearEndpointTables(db: TestDatabase): Promise<void> {
  await db.prisma.webhookSecret.deleteMany();
  await db.prisma.credential.deleteMany();
  await db.prisma.webhookEndpoint.deleteMany();
  await db.prisma.auditEvent.deleteMany();
}

/** Every byte column and the JSON of a credential row, to search for a plaintext in. */
export function credentialBytes(row: { ciphertext: Uint8Array; iv: Uint8Array; tag: Uint8Array; wrappedKey: Uint8Array }): Buffer {
  return Buffer.concat([row.ciphertext, row.iv, row.tag, row.wrappedKey, Buffer.from(JSON.stringify(row))]);
}
