import { SchemeNames } from './webhook-scheme';
import { webhookSchemes } from './webhook-schemes';

describe('webhookSchemes', () => {
  it('has one scheme per name, each under its own name', () => {
    expect(Object.keys(webhookSchemes).sort()).toEqual([...SchemeNames].sort());
    for (const name of SchemeNames) expect(webhookSchemes[name].name).toBe(name);
    expect(Object.isFrozen(webhookSchemes)).toBe(true);
  });

  it('forwards only lower-case header names, and never a signature or credential', () => {
    const signatureHeaders = ['stripe-signature', 'x-hub-signature', 'x-hub-signature-256', 'x-shopify-hmac-sha256', 'x-slack-signature', 'webhook-signature', 'svix-signature', 'x-frappe-webhook-signature'];
    for (const scheme of Object.values(webhookSchemes)) {
      for (const header of scheme.forwardedHeaders) {
        expect(header).toBe(header.toLowerCase());
        expect(signatureHeaders).not.toContain(header);
        expect(header).not.toMatch(/authorization|cookie|signature|hmac|secret|token/);
      }
    }
  });
});
