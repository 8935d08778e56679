import type { ConnectionProbe, ConnectionTestResult, ResolvedConnection } from '../../connections/connection.types';
import { basic, bearerToken, genericAuthHeaders, secretOf } from '../http/probe-auth';
import { probeHttp } from '../http/probe-http.client';
import { isSuccess, jsonBody, statusFailure, unexpectedBody } from '../http/probe-status';
import { configUrl, requiredText, runProbe } from '../probe-failure';
import { withSlash } from './erpnext.probe';

/**
 * WooCommerce REST v3: `GET /wp-json/wc/v3/products?per_page=1` with the consumer key/secret as HTTP Basic (the
 * documented method over HTTPS). Listing products needs read access, so a key without it answers 401/403.
 */
export class WooCommerceProbe implements ConnectionProbe {
  readonly typeSlugs = ['woocommerce'] as const;

  test(connection: ResolvedConnection, { timeoutMs }: { timeoutMs: number }): Promise<ConnectionTestResult> {
    const label = 'WooCommerce';
    return runProbe(label, async () => {
      const base = configUrl(requiredText(connection.config, 'baseUrl', label), 'baseUrl', label);
      const { username, password } = secretOf(connection, 'basic', label);
      const url = new URL('wp-json/wc/v3/products?per_page=1', withSlash(base));
      const response = await probeHttp({ method: 'GET', url, headers: { authorization: basic(username, password) }, timeoutMs, label });
      if (!isSuccess(response)) throw statusFailure(label, response, { auth: 'the consumer key or secret was rejected', permission: 'the key has no read access' });
      if (!Array.isArray(jsonBody(label, response))) throw unexpectedBody(label, 'not a product list');
      return { capabilities: ['products:read'], message: 'listed products' };
    });
  }
}

/**
 * Magento 2 REST: `GET /rest/V1/store/storeConfigs` with the integration's Bearer access token. Capabilities:
 * `store:<code>` per store view.
 */
export class MagentoProbe implements ConnectionProbe {
  readonly typeSlugs = ['magento'] as const;

  test(connection: ResolvedConnection, { timeoutMs }: { timeoutMs: number }): Promise<ConnectionTestResult> {
    const label = 'Magento';
    return runProbe(label, async () => {
      const base = configUrl(requiredText(connection.config, 'baseUrl', label), 'baseUrl', label);
      const token = await bearerToken(connection, label);
      const url = new URL('rest/V1/store/storeConfigs', withSlash(base));
      const response = await probeHttp({ method: 'GET', url, headers: { authorization: `Bearer ${token}` }, timeoutMs, label });
      if (!isSuccess(response)) throw statusFailure(label, response, { auth: 'the access token was rejected', permission: 'the integration may not read store configuration' });
      const body = jsonBody(label, response);
      if (!Array.isArray(body)) throw unexpectedBody(label, 'not a list of store configs');
      const codes = body.map((s) => (s && typeof s === 'object' && typeof (s as { code?: unknown }).code === 'string' ? (s as { code: string }).code : undefined));
      return { capabilities: codes.filter((c): c is string => c !== undefined).map((c) => `store:${c}`), message: `read ${body.length} store configuration(s)` };
    });
  }
}

/** Generic REST: `GET baseUrl + healthPath` (default "/") with the connection's auth; any 2xx is healthy. */
export class RestProbe implements ConnectionProbe {
  readonly typeSlugs = ['rest'] as const;

  test(connection: ResolvedConnection, { timeoutMs }: { timeoutMs: number }): Promise<ConnectionTestResult> {
    const label = 'REST API';
    return runProbe(label, async () => {
      const base = configUrl(requiredText(connection.config, 'baseUrl', label), 'baseUrl', label);
      const healthPath = typeof connection.config.healthPath === 'string' ? connection.config.healthPath : '/';
      const apiKeyHeader = typeof connection.config.apiKeyHeader === 'string' ? connection.config.apiKeyHeader : 'X-API-Key';
      const url = new URL(healthPath.replace(/^\/+/, ''), withSlash(base));
      const headers = await genericAuthHeaders(connection, label, apiKeyHeader);
      const response = await probeHttp({ method: 'GET', url, headers, timeoutMs, label });
      if (!isSuccess(response)) throw statusFailure(label, response);
      return { capabilities: [`http:${response.status}`], message: `GET ${url.pathname} answered ${response.status}` };
    });
  }
}
