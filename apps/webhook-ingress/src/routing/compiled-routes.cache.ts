import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { formatIssues } from '@junction/contracts';
import { compileRoutes, JsonataEvaluator, MappingError, RouteCompileError, routeRulesSchema, type CompiledRoute } from '@junction/webhooks';

const MAX_ENDPOINTS = 1_000;

/**
 * Compiled routes per endpoint, keyed by id and `updatedAt`: any change to the endpoint row (the admin API
 * bumps updatedAt) recompiles on the next event, on every replica, with no invalidation message.
 *
 * Stored routes were validated and compiled when they were saved. If they no longer are (edited by hand, or
 * a contract changed since), routing cannot succeed for any event of the endpoint: that is a MappingError,
 * so the event is dead-lettered for a redrive after the fix rather than retried.
 */
@Injectable()
export class CompiledRoutesCache implements OnApplicationShutdown {
  private readonly entries = new Map<string, { updatedAt: number; routes: CompiledRoute[] }>();

  constructor(private readonly evaluator: JsonataEvaluator) {}

  for(endpoint: { id: string; updatedAt: Date; routes: unknown }): CompiledRoute[] {
    const cached = this.entries.get(endpoint.id);
    if (cached && cached.updatedAt === endpoint.updatedAt.getTime()) return cached.routes;
    const routes = this.compile(endpoint);
    this.entries.delete(endpoint.id);
    if (this.entries.size >= MAX_ENDPOINTS) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(endpoint.id, { updatedAt: endpoint.updatedAt.getTime(), routes });
    return routes;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.evaluator.close();
  }

  private compile(endpoint: { id: string; routes: unknown }): CompiledRoute[] {
    const rules = routeRulesSchema.safeParse(endpoint.routes);
    if (!rules.success) throw new MappingError(`endpoint ${endpoint.id}: stored routes are invalid: ${formatIssues(rules.error)}`);
    try {
      return compileRoutes(rules.data, { evaluator: this.evaluator });
    } catch (error) {
      if (error instanceof RouteCompileError) throw new MappingError(`endpoint ${endpoint.id}: ${error.message}`, error.route);
      throw error;
    }
  }
}
