import type { Provider } from '@nestjs/common';

/** Resolving a command's connection for a worker, and testing connections (probes). */
export const RESOLUTION_PROVIDERS: Provider[] = [];
