import type { ConnectionProbe, ConnectionTestResult, ResolvedConnection } from '../../connections/connection.types';
import { basic, secretOf } from '../http/probe-auth';
import { probeHttp } from '../http/probe-http.client';
import { isObject, isSuccess, jsonBody, statusFailure, unexpectedBody } from '../http/probe-status';
import { configUrl, optionalText, ProbeFailure, requiredText, runProbe } from '../probe-failure';
import { withSlash } from './erpnext.probe';

const LABEL = 'Reddit';
const DEFAULT_AUTH_BASE = 'https://www.reddit.com';

/**
 * Reddit: an application-only token (`POST {authBaseUrl}/api/v1/access_token`, Basic client_id:secret,
 * grant_type=client_credentials) with the mandatory unique User-Agent. The token is discarded.
 */
export class RedditProbe implements ConnectionProbe {
  readonly typeSlugs = ['reddit'] as const;

  test(connection: ResolvedConnection, { timeoutMs }: { timeoutMs: number }): Promise<ConnectionTestResult> {
    return runProbe(LABEL, async () => {
      const userAgent = requiredText(connection.config, 'userAgent', LABEL);
      const base = configUrl(optionalText(connection.config, 'authBaseUrl') ?? DEFAULT_AUTH_BASE, 'authBaseUrl', LABEL);
      const { apiKey: clientId, apiSecret } = secretOf(connection, 'api_key', LABEL);
      if (apiSecret === undefined) throw new ProbeFailure('config', `${LABEL}: the api_key credential needs apiSecret (the client secret)`);
      const response = await probeHttp({
        method: 'POST',
        url: new URL('api/v1/access_token', withSlash(base)),
        headers: { authorization: basic(clientId, apiSecret), 'user-agent': userAgent, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
        timeoutMs,
        label: LABEL,
      });
      if (!isSuccess(response)) throw statusFailure(LABEL, response, { auth: 'the client id or secret was rejected (invalid_client)', permission: 'the app is not allowed to use the API' });
      const body = jsonBody(LABEL, response);
      if (!isObject(body)) throw unexpectedBody(LABEL, 'not an object');
      // Reddit reports some token errors as 200 with an `error` field.
      if (typeof body.error === 'string') {
        if (body.error === 'invalid_client' || body.error === 'unauthorized_client') throw new ProbeFailure('auth', `${LABEL}: ${body.error}: the client id or secret was rejected`);
        throw new ProbeFailure('protocol', `${LABEL}: the token endpoint answered an error (${body.error.slice(0, 40).replace(/[^\w.-]/g, '')})`);
      }
      if (typeof body.access_token !== 'string' || body.access_token === '') throw unexpectedBody(LABEL, 'no access_token');
      const scopes = typeof body.scope === 'string' ? body.scope.split(/[\s,]+/).filter(Boolean) : [];
      return { capabilities: scopes.map((s) => `scope:${s}`), message: `obtained an application token${typeof body.expires_in === 'number' ? ` (expires in ${body.expires_in} s)` : ''}` };
    });
  }
}
