import type { DynamicModule, ForwardReference, INestApplication, Type } from '@nestjs/common';
import type { z } from 'zod';
import type { BaseEnv } from '../config/base-env';

export type ModuleImport = Type | DynamicModule | Promise<DynamicModule> | ForwardReference;

/**
 * What makes an app an app: its name (= its subscription), default port, environment schema and capability
 * modules. Everything else (logger, database, bus, health, shutdown) is the same for all seven.
 */
export interface AppDefinition<E extends BaseEnv = BaseEnv> {
  readonly name: string;
  readonly defaultPort: number;
  readonly envSchema: z.ZodType<E>;
  imports(env: E): ModuleImport[];
  /** Runs on the created application before it listens (extra HTTP routes such as the OpenAPI docs). */
  configure?(app: INestApplication, env: E): void | Promise<void>;
}

export function defineApp<E extends BaseEnv>(definition: AppDefinition<E>): AppDefinition<E> {
  return definition;
}
