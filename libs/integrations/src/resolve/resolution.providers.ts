import type { Provider } from '@nestjs/common';
import { ConnectionTester } from '../probes/connection.tester';
import { ConnectionResolver } from './connection.resolver';

/** Resolving a command's connection for a worker, and testing connections (probes). */
export const RESOLUTION_PROVIDERS: Provider[] = [ConnectionResolver, ConnectionTester];
