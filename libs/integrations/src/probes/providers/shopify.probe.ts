import type { ConnectionProbe, ConnectionTestResult, ResolvedConnection } from '../../connections/connection.types';
import { secretOf } from '../http/probe-auth';
import { probeHttp } from '../http/probe-http.client';
import { isObject, isSuccess, jsonBody, statusFailure, unexpectedBody } from '../http/probe-status';
import { configUrl, optionalText, ProbeFailure, requiredText, runProbe } from '../probe-failure';
import { withSlash } from './erpnext.probe';

const LABEL = 'Shopify';
export const DEFAULT_SHOPIFY_API_VERSION = '2025-07';

/** Shopify Admin REST: `GET /admin/api/<version>/shop.json` with `X-Shopify-Access-Token`. */
export class ShopifyProbe implements ConnectionProbe {
  readonly typeSlugs = ['shopify'] as const;

  test(connection: ResolvedConnection, { timeoutMs }: { timeoutMs: number }): Promise<ConnectionTestResult> {
    return runProbe(LABEL, async () => {
      const base = configUrl(requiredText(connection.config, 'baseUrl', LABEL), 'baseUrl', LABEL);
      const version = optionalText(connection.config, 'apiVersion') ?? DEFAULT_SHOPIFY_API_VERSION;
      if (!/^(\d{4}-\d{2}|unstable)$/.test(version)) throw new ProbeFailure('config', `${LABEL}: config.apiVersion must be YYYY-MM`);
      const { token } = secretOf(connection, 'bearer', LABEL);
      const response = await probeHttp({
        method: 'GET',
        url: new URL(`admin/api/${version}/shop.json`, withSlash(base)),
        headers: { 'x-shopify-access-token': token },
        timeoutMs,
        label: LABEL,
      });
      if (!isSuccess(response)) throw statusFailure(LABEL, response, { auth: 'the access token is invalid or the app was uninstalled', permission: 'the app lacks the access scope for this shop' });
      const body = jsonBody(LABEL, response);
      if (!isObject(body) || !isObject(body.shop)) throw unexpectedBody(LABEL, 'no "shop"');
      const shop = body.shop;
      const domain = typeof shop.myshopify_domain === 'string' ? shop.myshopify_domain : typeof shop.domain === 'string' ? shop.domain : undefined;
      const capabilities = [domain && `shop:${domain}`, typeof shop.plan_name === 'string' && `plan:${shop.plan_name}`].filter((c): c is string => typeof c === 'string');
      return { capabilities, message: `connected to ${typeof shop.name === 'string' ? shop.name : (domain ?? 'the shop')} (API ${version})` };
    });
  }
}
