import { frappeErrorMessage, parseRetryAfter, parseServerMessages, Redactor, stripHtml } from './erpnext.errors';

describe('Frappe error parsing', () => {
  it('unwraps _server_messages (JSON string of JSON strings) and strips HTML', () => {
    const raw = JSON.stringify([JSON.stringify({ message: 'Customer <strong>A</strong> &amp; B exists' }), JSON.stringify({ message: 'Second' })]);
    expect(parseServerMessages(raw)).toEqual(['Customer A & B exists', 'Second']);
  });

  it('tolerates malformed _server_messages', () => {
    expect(parseServerMessages('not json <b>x</b>')).toEqual(['not json x']);
    expect(parseServerMessages(JSON.stringify(['plain <i>text</i>']))).toEqual(['plain text']);
    expect(parseServerMessages(undefined)).toEqual([]);
  });

  it('falls back to exception, then exc_type, then the raw body', () => {
    expect(frappeErrorMessage(417, { exc_type: 'ValidationError', exception: 'frappe.exceptions.ValidationError: Bad <b>thing</b>' }, '')).toEqual({ message: 'Bad thing', excType: 'ValidationError' });
    expect(frappeErrorMessage(401, { exc_type: 'AuthenticationError', exception: 'frappe.exceptions.AuthenticationError' }, '').message).toBe('AuthenticationError');
    expect(frappeErrorMessage(502, undefined, '<html><h1>502 Bad Gateway</h1></html>').message).toBe('502 Bad Gateway');
    expect(frappeErrorMessage(500, undefined, '').message).toBe('HTTP 500');
  });

  it('parses Retry-After seconds, floats and HTTP dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('2.5')).toBe(2500);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it('redacts credentials, the key:secret pair first', () => {
    expect(new Redactor('key:secret1', 'secret1').redact('token key:secret1 and secret1')).toBe('token [REDACTED] and [REDACTED]');
    expect(stripHtml('a<br>b')).toBe('a b');
  });
});
