export { routeRuleSchema, routeRulesSchema } from './routing/route-rule';
export type { RouteRule } from './routing/route-rule';

// Endpoint management and API keys (admin API, CLI)
export { WebhookEndpointService } from './endpoints/webhook-endpoint.service';
export { ManagementError } from '@junction/contracts';
export { EndpointError } from './endpoints/endpoint.types';
export type { ActorContext, EndpointErrorCode, EndpointSecretView, EndpointView } from './endpoints/endpoint.types';
export { endpointCreateSchema, endpointUpdateSchema, secretAddSchema } from './endpoints/endpoint.schemas';
export type { EndpointCreateInput, EndpointUpdateInput, SecretAddInput } from './endpoints/endpoint.schemas';
export { ApiKeyService } from './api-keys/api-key.service';
export { ApiKeyError, ApiKeyScopes, apiKeyCreateSchema } from './api-keys/api-key.types';
export { ApiKeyAuthenticator, PLAIN_API_KEY, plainApiKey } from './api-keys/api-key.authenticator';
export type { ApiKeyAuthentication, ApiKeyCaller, PlainApiKey } from './api-keys/api-key.authenticator';
export { ApiKeyAuth, ApiKeyGuard, Caller } from './api-keys/api-key.guard';
export type { ApiKeyRequest } from './api-keys/api-key.guard';
export type { ApiKeyCreateInput, ApiKeyErrorCode, ApiKeyScope, ApiKeyVerification, ApiKeyView, AuthenticatedApiKey } from './api-keys/api-key.types';

// Routing: received webhooks → commands (webhook-ingress's router, the admin API's route validation)
export { compileRoutes } from './routing/compile-routes';
export type { CompiledRoute } from './routing/compile-routes';
export { matchesEventType } from './routing/event-type.glob';
export { defaultEvaluationLimits, JsonataEvaluator } from './routing/jsonata.evaluator';
export type { Evaluation, EvaluationLimits } from './routing/jsonata.evaluator';
export { defaultMaxCommandsPerEvent, mapEvent } from './routing/map-event';
export type { MappedCommand, ReceivedWebhook } from './routing/map-event';
export { MappingError, RouteCompileError } from './routing/routing.errors';
export { shopifyOrdersCreateRoute } from './routing/examples/shopify-orders-create.route';
export { shopifyOrdersCreateSample, shopifyOrdersCreateSampleCommand } from './routing/examples/shopify-orders-create.sample';
