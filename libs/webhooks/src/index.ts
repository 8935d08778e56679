export { routeRuleSchema, routeRulesSchema } from './routing/route-rule';
export type { RouteRule } from './routing/route-rule';
