import { createHmac, randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { Webhook } from 'standardwebhooks';
import { getHmac } from '@shopify/shopify-api/test-helpers';

/**
 * Signed webhook requests as each provider sends them, signed with the provider's own library where one exists
 * (Stripe, GitHub's octokit, Standard Webhooks, Shopify's test helpers); Slack, Frappe and generic HMAC by their
 * documented formula.
 */
export interface SignedRequest {
  headers: Record<string, string>;
  body: string;
}

const stripe = new Stripe('sk_test_e2e');

export function stripeRequest(secret: string, event: { id: string; type: string; [k: string]: unknown }, timestamp = now()): SignedRequest {
  const body = JSON.stringify({ object: 'event', api_version: '2024-06-20', data: { object: {} }, ...event });
  return { body, headers: { 'content-type': 'application/json', 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp }) } };
}

export async function githubRequest(secret: string, event: string, payload: object, delivery: string = randomUUID()): Promise<SignedRequest> {
  const { sign } = await import('@octokit/webhooks-methods');
  const body = JSON.stringify(payload);
  return {
    body,
    headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': delivery, 'x-hub-signature-256': await sign(secret, body) },
  };
}

export function standardWebhooksRequest(secret: string, payload: object, options: { id?: string; at?: Date; svix?: boolean } = {}): SignedRequest {
  const body = JSON.stringify(payload);
  const id = options.id ?? `msg_${randomUUID()}`;
  const at = options.at ?? new Date();
  const signature = new Webhook(secret).sign(id, at, body);
  const prefix = options.svix ? 'svix' : 'webhook';
  return {
    body,
    headers: { 'content-type': 'application/json', [`${prefix}-id`]: id, [`${prefix}-timestamp`]: String(Math.floor(at.getTime() / 1000)), [`${prefix}-signature`]: signature },
  };
}

export function shopifyRequest(secret: string, topic: string, payload: object, eventId: string = randomUUID()): SignedRequest {
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-shop-domain': 'junction-e2e.myshopify.com',
      'x-shopify-api-version': '2025-10',
      'x-shopify-webhook-id': randomUUID(),
      'x-shopify-event-id': eventId,
      'x-shopify-triggered-at': new Date().toISOString(),
      'x-shopify-hmac-sha256': getHmac(body, secret),
    },
  };
}

export function slackRequest(secret: string, payload: object, timestamp = now()): SignedRequest {
  const body = JSON.stringify(payload);
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { body, headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature } };
}

export function frappeRequest(secret: string, payload: object): SignedRequest {
  const body = JSON.stringify(payload);
  return { body, headers: { 'content-type': 'application/json', 'x-frappe-webhook-signature': createHmac('sha256', secret).update(body).digest('base64') } };
}

/** generic-hmac as configured in the e2e endpoint: x-acme-signature: sha512=<hex> over `{timestamp}.{body}`. */
export function genericRequest(secret: string, payload: object, options: { id?: string; timestamp?: number } = {}): SignedRequest {
  const body = JSON.stringify(payload);
  const timestamp = options.timestamp ?? now();
  const signature = createHmac('sha512', secret).update(`${timestamp}.${body}`).digest('hex');
  return {
    body,
    headers: { 'content-type': 'application/json', 'x-acme-signature': `sha512=${signature}`, 'x-acme-timestamp': String(timestamp), 'x-acme-delivery': options.id ?? randomUUID() },
  };
}

export const genericOptions = {
  signatureHeader: 'x-acme-signature',
  algorithm: 'sha512',
  encoding: 'hex',
  prefix: 'sha512=',
  timestampHeader: 'x-acme-timestamp',
  signedPayload: '{timestamp}.{body}',
  idHeader: 'x-acme-delivery',
  typeField: 'event',
} as const;

export function now(): number {
  return Math.floor(Date.now() / 1000);
}

export async function post(url: string, request: SignedRequest): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(url, { method: 'POST', headers: request.headers, body: request.body });
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { raw: text };
  }
  return { status: res.status, body, headers: res.headers };
}
