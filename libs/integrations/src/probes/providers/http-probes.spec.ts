import { CRM_SANDBOX_TOKEN, CrmSandbox } from '@junction/connectors/crm';
import { ErpNextSandbox } from '@junction/connectors/erpnext';
import { LINKEDIN_DEFAULT_SCOPE, LinkedInSandbox } from '@junction/connectors/linkedin';
import { RedditSandbox } from '@junction/connectors/reddit';
import { ShopifySandbox } from '@junction/connectors/shopify';
import type { ConnectionTestResult, ResolvedConnection } from '../../connections/connection.types';
import { ConnectionTester } from '../connection.tester';
import { closedPort, connection, rawServer } from '../probe-test.fixtures';
import { defaultLinkedInVersion } from './linkedin.probe';

/**
 * Every HTTP probe against its provider's sandbox over real HTTP: success with capabilities, and each failure
 * class an operator must tell apart. No message may contain a secret.
 */
const tester = new ConnectionTester();
const SECRETS = ['erp-secret-value', 'wrong-secret-value', CRM_SANDBOX_TOKEN, 'sandbox-secret', 'shpat_sandbox', 'reddit-wrong-secret'];

async function test(c: ResolvedConnection, timeoutMs = 2_000): Promise<ConnectionTestResult> {
  const result = await tester.test(c, { timeoutMs });
  for (const s of SECRETS) expect(result.message).not.toContain(s);
  return result;
}

describe('HTTP connection probes against the provider sandboxes', () => {
  describe('ERPNext (frappe.auth.get_logged_user)', () => {
    const sandbox = new ErpNextSandbox({ apiKey: 'erp-key', apiSecret: 'erp-secret-value' });
    let baseUrl: string;
    beforeAll(async () => ({ url: baseUrl } = await sandbox.start()));
    afterAll(() => sandbox.stop());
    afterEach(() => sandbox.faults.clear());
    const erp = (apiSecret = 'erp-secret-value', url = baseUrl) => connection('erpnext', { baseUrl: url }, { authMethod: 'api_key', apiKey: 'erp-key', apiSecret });

    it('succeeds with the logged-in user as capability', async () => {
      const result = await test(erp());
      expect(result).toMatchObject({ ok: true, errorClass: null, capabilities: ['user:Administrator'] });
      expect(result.latencyMs).toBeGreaterThanOrEqual(0);
      expect(sandbox.requests.at(-1)).toMatchObject({ method: 'GET', path: '/api/method/frappe.auth.get_logged_user', status: 200 });
    });

    it('accepts Basic with the key and secret', async () => {
      const result = await test(connection('erpnext', { baseUrl }, { authMethod: 'basic', username: 'erp-key', password: 'erp-secret-value' }));
      expect(result).toMatchObject({ ok: true });
    });

    it('bad credentials → auth (401)', async () => {
      expect(await test(erp('wrong-secret-value'))).toMatchObject({ ok: false, errorClass: 'auth', capabilities: [] });
    });

    it('403 → permission', async () => {
      sandbox.faults.set({ failNext: { count: 1, status: 403 } });
      expect(await test(erp())).toMatchObject({ ok: false, errorClass: 'permission' });
    });

    it('429 → rate_limited', async () => {
      sandbox.faults.set({ failNext: { count: 1, status: 429, retryAfter: 3 } });
      const result = await test(erp());
      expect(result).toMatchObject({ ok: false, errorClass: 'rate_limited' });
      expect(result.message).toContain('retry after 3 s');
    });

    it('closed port → unreachable', async () => {
      const result = await test(erp(undefined, `http://127.0.0.1:${await closedPort()}`));
      expect(result).toMatchObject({ ok: false, errorClass: 'unreachable' });
      expect(result.message).toContain('ECONNREFUSED');
    });

    it('unresolvable host → unreachable', async () => {
      expect(await test(erp(undefined, 'http://no-such-host.invalid'))).toMatchObject({ ok: false, errorClass: 'unreachable' });
    });

    it('hanging server → timeout within the budget', async () => {
      sandbox.faults.set({ hang: true });
      const started = Date.now();
      const result = await test(erp(), 300);
      expect(result).toMatchObject({ ok: false, errorClass: 'timeout' });
      expect(Date.now() - started).toBeLessThan(1_500);
    });

    it('garbage body → protocol; missing baseUrl → config', async () => {
      const garbage = await rawServer(200, '<html>login</html>');
      try {
        expect(await test(erp(undefined, garbage.url))).toMatchObject({ ok: false, errorClass: 'protocol' });
      } finally {
        await garbage.close();
      }
      expect(await test(connection('erpnext', {}, { authMethod: 'api_key', apiKey: 'k', apiSecret: 's' }))).toMatchObject({ errorClass: 'config' });
    });

    it('a 401 body echoing the secret never reaches the message', async () => {
      const echo = await rawServer(401, JSON.stringify({ exception: 'bad token erp-key:erp-secret-value' }), 'application/json');
      try {
        const result = await test(erp(undefined, echo.url));
        expect(result).toMatchObject({ errorClass: 'auth' });
      } finally {
        await echo.close();
      }
    });
  });

  describe('CRM (one-item contact list)', () => {
    const sandbox = new CrmSandbox();
    let baseUrl: string;
    beforeAll(async () => ({ url: baseUrl } = await sandbox.start()));
    afterAll(() => sandbox.stop());
    afterEach(() => sandbox.faults.clear());
    const crm = (token = CRM_SANDBOX_TOKEN, url = baseUrl) => connection('crm', { baseUrl: url }, { authMethod: 'bearer', token });

    it('succeeds; bad token → auth; 403 → permission; hang → timeout; closed port → unreachable', async () => {
      expect(await test(crm())).toMatchObject({ ok: true, capabilities: ['crm.objects.contacts.read'] });
      expect(sandbox.requests.at(-1)).toMatchObject({ path: '/crm/v3/objects/contacts', status: 200 });
      expect(await test(crm('pat-na1-wrong'))).toMatchObject({ ok: false, errorClass: 'auth' });
      sandbox.faults.set({ failNext: { count: 1, status: 403 } });
      expect(await test(crm())).toMatchObject({ ok: false, errorClass: 'permission' });
      sandbox.faults.set({ hang: true });
      expect(await test(crm(), 300)).toMatchObject({ ok: false, errorClass: 'timeout' });
      sandbox.faults.clear();
      expect(await test(crm(undefined, `http://127.0.0.1:${await closedPort()}`))).toMatchObject({ ok: false, errorClass: 'unreachable' });
    });

    it('garbage body → protocol; OAuth token source used for oauth2', async () => {
      const garbage = await rawServer(200, '{"not":"a list"}', 'application/json');
      try {
        expect(await test(crm(undefined, garbage.url))).toMatchObject({ ok: false, errorClass: 'protocol' });
      } finally {
        await garbage.close();
      }
      const oauth = connection('crm', { baseUrl }, { authMethod: 'oauth2', clientId: 'c', clientSecret: 'sandbox-secret' }, { accessToken: () => Promise.resolve(CRM_SANDBOX_TOKEN) });
      expect(await test(oauth)).toMatchObject({ ok: true });
    });
  });

  describe('LinkedIn (organization ACL probe)', () => {
    const sandbox = new LinkedInSandbox();
    let apiBaseUrl: string;
    beforeAll(async () => ({ url: apiBaseUrl } = await sandbox.start()));
    afterAll(() => sandbox.stop());
    afterEach(() => sandbox.faults.clear());
    const li = (token: string, extra: Record<string, unknown> = {}) => connection('linkedin', { apiBaseUrl, ...extra }, { authMethod: 'bearer', token });

    it('succeeds with the administered organizations (default version accepted by the sandbox)', async () => {
      const token = sandbox.issueTokens().access_token;
      const result = await test(li(token));
      expect(result).toMatchObject({ ok: true, capabilities: ['admin:urn:li:organization:1001'] });
      expect(sandbox.activeVersions).toContain(defaultLinkedInVersion(new Date()));
    });

    it('invalid token → auth; a token without r_organization_admin → permission (real 403)', async () => {
      expect(await test(li('not-a-token'))).toMatchObject({ ok: false, errorClass: 'auth' });
      const narrow = sandbox.issueTokens(undefined, LINKEDIN_DEFAULT_SCOPE.replace('r_organization_admin,', '')).access_token;
      expect(await test(li(narrow))).toMatchObject({ ok: false, errorClass: 'permission' });
    });

    it('a sunset version → config; hang → timeout; garbage → protocol', async () => {
      const token = sandbox.issueTokens().access_token;
      expect(await test(li(token, { version: '201901' }))).toMatchObject({ ok: false, errorClass: 'config' });
      sandbox.faults.set({ hang: true });
      expect(await test(li(token), 300)).toMatchObject({ ok: false, errorClass: 'timeout' });
      sandbox.faults.clear();
      const garbage = await rawServer(200, 'nope');
      try {
        expect(await test(connection('linkedin', { apiBaseUrl: garbage.url }, { authMethod: 'bearer', token }))).toMatchObject({ errorClass: 'protocol' });
      } finally {
        await garbage.close();
      }
    });

    it('oauth2: after a 401 asks the token source again with the rejected token, and succeeds with the fresh one', async () => {
      const fresh = sandbox.issueTokens().access_token;
      const calls: Array<{ rejected?: string } | undefined> = [];
      const accessToken = (o?: { rejected?: string }) => {
        calls.push(o);
        return Promise.resolve(o?.rejected ? fresh : 'stale-token');
      };
      const c = connection('linkedin', { apiBaseUrl }, { authMethod: 'oauth2', clientId: 'c', clientSecret: 'sandbox-secret' }, { accessToken });
      expect(await test(c)).toMatchObject({ ok: true });
      expect(calls).toEqual([undefined, { rejected: 'stale-token' }]);
    });

    it('oauth2 whose token source says re-authorize → auth', async () => {
      const { ConnectionError } = await import('../../connections/connection.types');
      const c = connection('linkedin', { apiBaseUrl }, { authMethod: 'oauth2', clientId: 'c', clientSecret: 'x' }, {
        accessToken: () => Promise.reject(new ConnectionError('REAUTH_REQUIRED', 409, 'connection must be re-authorized')),
      });
      expect(await test(c)).toMatchObject({ ok: false, errorClass: 'auth', message: expect.stringContaining('re-authorized') });
    });
  });

  describe('Reddit (client-credentials token fetch)', () => {
    const sandbox = new RedditSandbox({ clients: { 'reddit-client': 'sandbox-secret' } });
    let authBaseUrl: string;
    beforeAll(async () => ({ url: authBaseUrl } = await sandbox.start()));
    afterAll(() => sandbox.stop());
    afterEach(() => sandbox.faults.clear());
    const rd = (apiSecret = 'sandbox-secret', config: Record<string, unknown> = {}) =>
      connection('reddit', { authBaseUrl, userAgent: 'junction-test/1.0 by u/junction', ...config }, { authMethod: 'api_key', apiKey: 'reddit-client', apiSecret });

    it('succeeds with a token (scope as capability) and counts one token issued', async () => {
      const before = sandbox.tokensIssued.length;
      expect(await test(rd())).toMatchObject({ ok: true, capabilities: ['scope:*'] });
      expect(sandbox.tokensIssued.length).toBe(before + 1);
    });

    it('bad secret → auth; 403 → permission; 429 → rate_limited; missing userAgent → config; hang → timeout; closed → unreachable', async () => {
      expect(await test(rd('reddit-wrong-secret'))).toMatchObject({ ok: false, errorClass: 'auth' });
      sandbox.faults.set({ failNext: { count: 1, status: 403 } });
      expect(await test(rd())).toMatchObject({ ok: false, errorClass: 'permission' });
      sandbox.faults.set({ failNext: { count: 1, status: 429 } });
      expect(await test(rd())).toMatchObject({ ok: false, errorClass: 'rate_limited' });
      expect(await test(rd(undefined, { userAgent: undefined }))).toMatchObject({ ok: false, errorClass: 'config' });
      sandbox.faults.set({ hang: true });
      expect(await test(rd(), 300)).toMatchObject({ ok: false, errorClass: 'timeout' });
      sandbox.faults.clear();
      expect(await test(rd(undefined, { authBaseUrl: `http://127.0.0.1:${await closedPort()}` }))).toMatchObject({ ok: false, errorClass: 'unreachable' });
    });

    it('garbage body → protocol; 200 with invalid_client → auth', async () => {
      const garbage = await rawServer(200, '<html/>');
      const invalid = await rawServer(200, '{"error":"invalid_client"}', 'application/json');
      try {
        expect(await test(rd(undefined, { authBaseUrl: garbage.url }))).toMatchObject({ errorClass: 'protocol' });
        expect(await test(rd(undefined, { authBaseUrl: invalid.url }))).toMatchObject({ errorClass: 'auth' });
      } finally {
        await garbage.close();
        await invalid.close();
      }
    });
  });

  describe('Shopify (shop.json)', () => {
    const sandbox = new ShopifySandbox();
    let baseUrl: string;
    beforeAll(async () => ({ url: baseUrl } = await sandbox.start()));
    afterAll(() => sandbox.stop());
    afterEach(() => sandbox.faults.clear());
    const sh = (token = 'shpat_sandbox', url = baseUrl) => connection('shopify', { baseUrl: url }, { authMethod: 'bearer', token });

    it('succeeds with shop and plan; bad token → auth; 403 → permission; 429 → rate_limited; hang → timeout; closed → unreachable; garbage → protocol', async () => {
      expect(await test(sh())).toMatchObject({ ok: true, capabilities: ['shop:sandbox-shop.myshopify.com', 'plan:basic'] });
      expect(sandbox.requests.at(-1)).toMatchObject({ path: '/admin/api/2025-07/shop.json', status: 200 });
      expect(await test(sh('shpat_wrong'))).toMatchObject({ ok: false, errorClass: 'auth' });
      sandbox.faults.set({ failNext: { count: 1, status: 403 } });
      expect(await test(sh())).toMatchObject({ ok: false, errorClass: 'permission' });
      sandbox.faults.set({ failNext: { count: 1, status: 429 } });
      expect(await test(sh())).toMatchObject({ ok: false, errorClass: 'rate_limited' });
      sandbox.faults.set({ hang: true });
      expect(await test(sh(), 300)).toMatchObject({ ok: false, errorClass: 'timeout' });
      sandbox.faults.clear();
      expect(await test(sh(undefined, `http://127.0.0.1:${await closedPort()}`))).toMatchObject({ errorClass: 'unreachable' });
      const garbage = await rawServer(200, 'garbage');
      try {
        expect(await test(sh(undefined, garbage.url))).toMatchObject({ errorClass: 'protocol' });
      } finally {
        await garbage.close();
      }
    });
  });

  describe('generic REST, WooCommerce, Magento (no sandbox: raw servers)', () => {
    it('REST: 2xx ok with any body, 401 → auth, 404 → protocol', async () => {
      const ok = await rawServer(200, 'OK', 'text/plain');
      const denied = await rawServer(401, '{}', 'application/json');
      const missing = await rawServer(404, '{}', 'application/json');
      try {
        expect(await test(connection('rest', { baseUrl: ok.url, healthPath: '/health' }, { authMethod: 'api_key', apiKey: 'k' }))).toMatchObject({ ok: true, capabilities: ['http:200'] });
        expect(await test(connection('rest', { baseUrl: denied.url }, { authMethod: 'bearer', token: 't' }))).toMatchObject({ errorClass: 'auth' });
        expect(await test(connection('rest', { baseUrl: missing.url }, { authMethod: 'none' }))).toMatchObject({ errorClass: 'protocol' });
      } finally {
        await Promise.all([ok.close(), denied.close(), missing.close()]);
      }
    });

    it('WooCommerce and Magento: a list is ok, an object is protocol', async () => {
      const list = await rawServer(200, '[{"code":"default"}]', 'application/json');
      const object = await rawServer(200, '{"code":"x"}', 'application/json');
      try {
        const woo = (url: string) => connection('woocommerce', { baseUrl: url }, { authMethod: 'basic', username: 'ck_x', password: 'cs_y' });
        const mag = (url: string) => connection('magento', { baseUrl: url }, { authMethod: 'bearer', token: 't' });
        expect(await test(woo(list.url))).toMatchObject({ ok: true, capabilities: ['products:read'] });
        expect(await test(mag(list.url))).toMatchObject({ ok: true, capabilities: ['store:default'] });
        expect(await test(woo(object.url))).toMatchObject({ errorClass: 'protocol' });
        expect(await test(mag(object.url))).toMatchObject({ errorClass: 'protocol' });
      } finally {
        await Promise.all([list.close(), object.close()]);
      }
    });

    it('an unknown type → config, without throwing', async () => {
      expect(await test(connection('no-such-type', {}, null))).toMatchObject({ ok: false, errorClass: 'config' });
    });
  });
});
