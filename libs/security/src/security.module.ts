import { type DynamicModule, Module } from '@nestjs/common';
import { CredentialService } from './vault/credential.service';
import { CredentialVault } from './vault/credential-vault';
import { parseKeyRing } from './vault/key-ring';

export interface SecurityModuleOptions {
  /** JUNCTION_KEK: `<id>:<base64 32 bytes>[,<id>:<base64>…]`, the first key active (see parseKeyRing). */
  kek: string;
}

/**
 * Global: import once in the app module. Provides CredentialVault and CredentialService (which needs
 * CredentialRepository from the global PersistenceModule). A bad ring fails the app at start (KeyRingError).
 */
@Module({})
export class SecurityModule {
  static forRoot(options: SecurityModuleOptions): DynamicModule {
    return {
      module: SecurityModule,
      global: true,
      providers: [{ provide: CredentialVault, useFactory: () => new CredentialVault(parseKeyRing(options.kek)) }, CredentialService],
      exports: [CredentialVault, CredentialService],
    };
  }
}
