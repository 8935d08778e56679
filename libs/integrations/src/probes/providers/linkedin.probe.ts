import type { ConnectionProbe, ConnectionTestResult, ResolvedConnection } from '../../connections/connection.types';
import { bearerToken } from '../http/probe-auth';
import { probeHttp, type ProbeHttpResponse } from '../http/probe-http.client';
import { isObject, isSuccess, jsonBody, statusFailure, unexpectedBody } from '../http/probe-status';
import { configUrl, optionalText, ProbeFailure, runProbe } from '../probe-failure';
import { withSlash } from './erpnext.probe';

const LABEL = 'LinkedIn';
const DEFAULT_BASE = 'https://api.linkedin.com';

/**
 * LinkedIn: the organizations the member administers (`GET /rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR
 * &state=APPROVED`). Capabilities: `admin:urn:li:organization:<id>` per organization. With OAuth, a 401 is retried
 * once with a refreshed token (the stored one may have been revoked or rotated by another replica).
 */
export class LinkedInProbe implements ConnectionProbe {
  readonly typeSlugs = ['linkedin'] as const;

  constructor(private readonly now: () => Date = () => new Date()) {}

  test(connection: ResolvedConnection, { timeoutMs }: { timeoutMs: number }): Promise<ConnectionTestResult> {
    return runProbe(LABEL, async () => {
      const base = configUrl(optionalText(connection.config, 'apiBaseUrl') ?? DEFAULT_BASE, 'apiBaseUrl', LABEL);
      const url = new URL('rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED', withSlash(base));
      const version = optionalText(connection.config, 'version') ?? defaultLinkedInVersion(this.now());
      if (!/^\d{6}$/.test(version)) throw new ProbeFailure('config', `${LABEL}: config.version must be YYYYMM`);
      const call = async (token: string) =>
        probeHttp({
          method: 'GET',
          url,
          headers: { authorization: `Bearer ${token}`, 'linkedin-version': version, 'x-restli-protocol-version': '2.0.0' },
          timeoutMs,
          label: LABEL,
        });
      const token = await bearerToken(connection, LABEL);
      let response = await call(token);
      if (response.status === 401 && connection.authMethod === 'oauth2') response = await call(await bearerToken(connection, LABEL, { rejected: token }));
      if (!isSuccess(response)) throw failure(response, version);

      const body = jsonBody(LABEL, response);
      if (!isObject(body) || !Array.isArray(body.elements)) throw unexpectedBody(LABEL, 'no "elements" list');
      const organizations = body.elements
        .map((e) => (isObject(e) && typeof e.organization === 'string' ? e.organization : undefined))
        .filter((o): o is string => o !== undefined);
      const capabilities = organizations.map((o) => `admin:${o}`);
      return {
        capabilities,
        message: organizations.length > 0 ? `administers ${organizations.length} organization(s)` : 'authenticated; the member administers no organization',
      };
    });
  }
}

function failure(response: ProbeHttpResponse, version: string): ProbeFailure {
  // 426: the LinkedIn-Version is sunset (or not yet live); the connection's config must name another.
  if (response.status === 426) return new ProbeFailure('config', `${LABEL} answered 426: API version ${version} is not active; set config.version to an active YYYYMM`);
  return statusFailure(LABEL, response, {
    auth: 'the access token is invalid, expired or revoked',
    permission: 'the token lacks the r_organization_admin scope',
  });
}

/**
 * The version sent when the connection names none: the previous month (UTC). LinkedIn publishes a version monthly
 * and keeps each active for about a year, so last month's is live whatever day it is.
 */
export function defaultLinkedInVersion(now: Date): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}
