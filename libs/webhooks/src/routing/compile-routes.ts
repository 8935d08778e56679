import jsonata from 'jsonata';
import type { MessageType } from '@junction/contracts';
import { matchesEventType } from './event-type.glob';
import { JsonataEvaluator, type Evaluation } from './jsonata.evaluator';
import type { RouteRule } from './route-rule';
import { RouteCompileError } from './routing.errors';

/** A route ready to run: its expression checked once, evaluated under the evaluator's limits. */
export interface CompiledRoute {
  readonly name: string;
  readonly command: MessageType;
  readonly eventTypes: readonly string[];
  matches(eventType: string): boolean;
  evaluate(input: unknown, bindings: Record<string, unknown>): Promise<Evaluation>;
}

/** One worker per process unless a caller brings its own evaluator (tests, other limits). */
let sharedEvaluator: JsonataEvaluator | undefined;

/**
 * Compiles every rule's mapping (syntax only: nothing is evaluated) or throws a RouteCompileError naming the
 * first route that does not compile and where. Call it when routes are saved (answer 400) and when they are
 * loaded for routing. Rules are expected to have passed `routeRulesSchema`.
 */
export function compileRoutes(rules: readonly RouteRule[], options: { evaluator?: JsonataEvaluator } = {}): CompiledRoute[] {
  const evaluator = options.evaluator ?? (sharedEvaluator ??= new JsonataEvaluator());
  return rules.map((rule) => {
    try {
      jsonata(rule.mapping);
    } catch (error) {
      const e = error as { code?: unknown; position?: unknown; token?: unknown; message?: unknown };
      throw new RouteCompileError(rule.name, {
        code: String(e.code ?? 'S0000'),
        position: typeof e.position === 'number' ? e.position : undefined,
        token: typeof e.token === 'string' ? e.token : undefined,
        message: String(e.message ?? error),
      });
    }
    const eventTypes = [...rule.eventTypes];
    return {
      name: rule.name,
      command: rule.command as MessageType,
      eventTypes,
      matches: (eventType: string) => eventTypes.some((glob) => matchesEventType(glob, eventType)),
      evaluate: (input: unknown, bindings: Record<string, unknown>) => evaluator.evaluate(rule.mapping, input, bindings),
    };
  });
}
