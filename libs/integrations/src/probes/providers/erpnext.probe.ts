import type { ConnectionProbe, ConnectionTestResult, ResolvedConnection } from '../../connections/connection.types';
import { basic, bearerToken, secretOf } from '../http/probe-auth';
import { probeHttp } from '../http/probe-http.client';
import { isObject, isSuccess, jsonBody, statusFailure, unexpectedBody } from '../http/probe-status';
import { configUrl, ProbeFailure, requiredText, runProbe } from '../probe-failure';

const LABEL = 'ERPNext';

/** ERPNext / Frappe: `GET /api/method/frappe.auth.get_logged_user` → `{message: "<user>"}`, the cheapest authenticated call. */
export class ErpNextProbe implements ConnectionProbe {
  readonly typeSlugs = ['erpnext'] as const;

  test(connection: ResolvedConnection, { timeoutMs }: { timeoutMs: number }): Promise<ConnectionTestResult> {
    return runProbe(LABEL, async () => {
      const base = configUrl(requiredText(connection.config, 'baseUrl', LABEL), 'baseUrl', LABEL);
      const url = new URL('api/method/frappe.auth.get_logged_user', withSlash(base));
      const response = await probeHttp({ method: 'GET', url, headers: { authorization: await erpNextAuthorization(connection) }, timeoutMs, label: LABEL });
      if (!isSuccess(response)) {
        throw statusFailure(LABEL, response, { auth: 'the API key or secret was rejected', permission: 'the user of this key may not call the API' });
      }
      const body = jsonBody(LABEL, response);
      if (!isObject(body) || typeof body.message !== 'string' || body.message === '') throw unexpectedBody(LABEL, 'no logged-in user in "message"');
      if (body.message === 'Guest') throw new ProbeFailure('auth', `${LABEL}: the request was served as Guest (the credentials were not accepted)`);
      return { capabilities: [`user:${body.message}`], message: `authenticated as ${body.message}` };
    });
  }
}

/** Frappe's Authorization header per auth method: `token key:secret`, Basic, or Bearer (OAuth). */
export async function erpNextAuthorization(connection: ResolvedConnection): Promise<string> {
  switch (connection.authMethod) {
    case 'api_key': {
      const { apiKey, apiSecret } = secretOf(connection, 'api_key', LABEL);
      if (!apiSecret) throw new ProbeFailure('config', `${LABEL}: the api_key credential needs apiSecret (the API secret)`);
      return `token ${apiKey}:${apiSecret}`;
    }
    case 'basic': {
      const { username, password } = secretOf(connection, 'basic', LABEL);
      return basic(username, password);
    }
    default:
      return `Bearer ${await bearerToken(connection, LABEL)}`;
  }
}

export function withSlash(url: URL): URL {
  const copy = new URL(url);
  if (!copy.pathname.endsWith('/')) copy.pathname += '/';
  copy.search = '';
  copy.hash = '';
  return copy;
}
