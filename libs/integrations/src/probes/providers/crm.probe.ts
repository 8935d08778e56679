import type { ConnectionProbe, ConnectionTestResult, ResolvedConnection } from '../../connections/connection.types';
import { bearerToken } from '../http/probe-auth';
import { probeHttp } from '../http/probe-http.client';
import { isObject, isSuccess, jsonBody, statusFailure, unexpectedBody } from '../http/probe-status';
import { configUrl, optionalText, runProbe } from '../probe-failure';
import { withSlash } from './erpnext.probe';

const LABEL = 'CRM';
const DEFAULT_BASE = 'https://api.hubapi.com';

/** HubSpot-style CRM: a one-item contact list (`GET /crm/v3/objects/contacts?limit=1`) with the Bearer token. */
export class CrmProbe implements ConnectionProbe {
  readonly typeSlugs = ['crm'] as const;

  test(connection: ResolvedConnection, { timeoutMs }: { timeoutMs: number }): Promise<ConnectionTestResult> {
    return runProbe(LABEL, async () => {
      const base = configUrl(optionalText(connection.config, 'baseUrl') ?? DEFAULT_BASE, 'baseUrl', LABEL);
      const url = new URL('crm/v3/objects/contacts?limit=1', withSlash(base));
      const token = await bearerToken(connection, LABEL);
      const response = await probeHttp({ method: 'GET', url, headers: { authorization: `Bearer ${token}` }, timeoutMs, label: LABEL });
      if (!isSuccess(response)) throw statusFailure(LABEL, response, { auth: 'the token is invalid or expired', permission: 'the token lacks the crm.objects.contacts.read scope' });
      const body = jsonBody(LABEL, response);
      if (!isObject(body) || !Array.isArray(body.results)) throw unexpectedBody(LABEL, 'no "results" list');
      return { capabilities: ['crm.objects.contacts.read'], message: `listed contacts (${body.results.length} returned)` };
    });
  }
}
