import type { SandboxResponse } from '@junction/connectors/sandbox-kit';

/**
 * LinkedIn's REST error shape: `{status, serviceErrorCode?, code?, message}`. Rest.li data validation
 * failures (422) carry only `{message, status}`, one "ERROR :: /path :: reason" line per problem.
 */
export interface LinkedInErrorBody {
  status: number;
  serviceErrorCode?: number;
  code?: string;
  message: string;
}

export function linkedInError(status: number, message: string, code?: string, serviceErrorCode?: number): SandboxResponse {
  const body: LinkedInErrorBody = { status, ...(serviceErrorCode === undefined ? {} : { serviceErrorCode }), ...(code ? { code } : {}), message };
  return { status, body };
}

export const LinkedInErrors = {
  versionMissing: () =>
    linkedInError(400, 'A version must be present. Please specify a version by adding the LinkedIn-Version header.', 'VERSION_MISSING'),
  /** What LinkedIn answers for a sunset (or never released) version: 426 Upgrade Required. */
  versionInactive: (version: string) => linkedInError(426, `Requested version ${version} is not active`, 'NONEXISTENT_VERSION'),
  protocolUnsupported: (value: string | undefined) =>
    linkedInError(
      400,
      `This sandbox speaks Rest.li protocol 2.0.0 only (X-Restli-Protocol-Version: ${value ?? 'missing, which LinkedIn treats as 1.0.0'})`,
      'UNSUPPORTED_PROTOCOL_VERSION',
    ),
  emptyToken: () => linkedInError(401, 'Empty oauth2_access_token', 'EMPTY_ACCESS_TOKEN', 65604),
  invalidToken: () => linkedInError(401, 'Invalid access token', 'INVALID_ACCESS_TOKEN', 65600),
  revokedToken: () => linkedInError(401, 'The token used in the request has been revoked by the user', 'REVOKED_ACCESS_TOKEN', 65601),
  expiredToken: () => linkedInError(401, 'The token used in the request has expired', 'EXPIRED_ACCESS_TOKEN', 65602),
  accessDenied: (resource: string, version: string) =>
    linkedInError(403, `Not enough permissions to access: ${resource}.${version}`, 'ACCESS_DENIED', 100),
  notFound: (what: string) => linkedInError(404, `${what} not found`, 'NOT_FOUND'),
  illegalArgument: (message: string) => linkedInError(400, message, 'ILLEGAL_ARGUMENT'),
  /** Rest.li schema validation: every problem on its own line, as LinkedIn renders them. */
  unprocessable: (problems: string[]) => ({ status: 422, body: { message: problems.map((p) => `ERROR :: ${p}\n`).join(''), status: 422 } }),
  /** The daily quota message LinkedIn sends; deliberately no Retry-After (LinkedIn sends none). */
  dailyLimit: (scope: 'MEMBER' | 'APPLICATION') =>
    linkedInError(429, `Resource level throttle ${scope} DAY limit for calls to this resource is reached.`, 'TOO_MANY_REQUESTS', 101),
  methodNotAllowed: (method: string) => linkedInError(405, `Method ${method} is not supported`, 'METHOD_NOT_ALLOWED'),
  server: (status: number) => linkedInError(status, status === 503 ? 'Service Unavailable' : 'Internal Server Error'),
};

/** The OAuth endpoints answer in RFC 6749 shape, not the REST shape. */
export function oauthError(status: number, error: string, description: string): SandboxResponse {
  return { status, body: { error, error_description: description } };
}
