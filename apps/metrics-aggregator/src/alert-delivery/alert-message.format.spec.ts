import { escapeMrkdwn, slackMessage, slackTestMessage, webhookPayload, type AlertSnapshot } from './alert-message.format';

const alert = (overrides: Partial<AlertSnapshot> = {}): AlertSnapshot => ({
  id: '5a0b3c1e-0000-4000-8000-000000000001',
  tenantId: 't1',
  rule: 'error_rate',
  subject: 'erpnext/conn-a',
  status: 'firing',
  severity: 'critical',
  summary: 'error rate 23.4% over 5 min',
  value: 0.23456,
  threshold: 0.1,
  labels: { provider: 'erpnext' },
  firedAt: new Date('2026-03-01T10:00:00.000Z'),
  resolvedAt: null,
  ...overrides,
});

describe('alert message formatting', () => {
  it('webhook payload: Standard Webhooks shape, type per event, timestamp = when it happened', () => {
    const fired = webhookPayload('fired', alert());
    expect(fired).toEqual({
      type: 'ops.alert.fired',
      timestamp: '2026-03-01T10:00:00.000Z',
      data: { alert: expect.objectContaining({ id: alert().id, rule: 'error_rate', subject: 'erpnext/conn-a', severity: 'critical', value: 0.23456, threshold: 0.1, firedAt: '2026-03-01T10:00:00.000Z', resolvedAt: null, labels: { provider: 'erpnext' } }) },
    });
    const resolved = webhookPayload('resolved', alert({ status: 'resolved', resolvedAt: new Date('2026-03-01T10:07:00.000Z') }));
    expect(resolved.type).toBe('ops.alert.resolved');
    expect(resolved.timestamp).toBe('2026-03-01T10:07:00.000Z');
  });

  it('Slack fired: 🔥 marker, severity, rule, subject, value vs threshold and the fired time as a Slack date', () => {
    const m = slackMessage('fired', alert());
    expect(m.text).toBe('🔥 [CRITICAL] FIRING: error_rate on erpnext/conn-a: error rate 23.4% over 5 min');
    const section = m.blocks.find((b) => b.type === 'section') as { fields: { text: string }[] };
    const fields = section.fields.map((f) => f.text);
    expect(fields).toEqual([
      '*Rule*\n`error_rate`',
      '*Severity*\ncritical',
      '*Subject*\nerpnext/conn-a',
      '*Value*\n0.2346 (threshold 0.1)',
      '*Fired*\n<!date^1772359200^{date_short_pretty} {time_secs}|2026-03-01T10:00:00Z>',
    ]);
    expect(m.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '🔥 FIRING: error rate 23.4% over 5 min', emoji: true } });
  });

  it('Slack resolved: ✅ marker and the resolved time; a warning fires with ⚠️', () => {
    const m = slackMessage('resolved', alert({ status: 'resolved', resolvedAt: new Date('2026-03-01T10:07:00.000Z') }));
    expect(m.text.startsWith('✅ [CRITICAL] RESOLVED: error_rate')).toBe(true);
    expect(JSON.stringify(m.blocks)).toContain('*Resolved*\\n<!date^1772359620^');
    expect(slackMessage('fired', alert({ severity: 'warning' })).text.startsWith('⚠️ [WARNING] FIRING')).toBe(true);
  });

  it('Slack: values without a threshold, and none at all', () => {
    const fieldsOf = (a: AlertSnapshot) => JSON.stringify(slackMessage('fired', a).blocks);
    expect(fieldsOf(alert({ value: 12, threshold: null }))).toContain('*Value*\\n12"');
    expect(fieldsOf(alert({ value: null, threshold: null }))).toContain('*Value*\\n—"');
  });

  it('escapes &, <, > from rules and subjects so nothing pings a channel or forges a link', () => {
    expect(escapeMrkdwn('a & <!channel> <http://x|y>')).toBe('a &amp; &lt;!channel&gt; &lt;http://x|y&gt;');
    const m = slackMessage('fired', alert({ subject: '<!channel>', summary: 'x > y & z' }));
    expect(m.text).toContain('&lt;!channel&gt;');
    expect(m.text).not.toContain('<!channel>');
    expect(JSON.stringify(m.blocks)).not.toContain('<!channel>');
  });

  it('a long summary is cut to Slack’s 150-character header limit', () => {
    const m = slackMessage('fired', alert({ summary: 'x'.repeat(400) }));
    expect(((m.blocks[0] as { text: { text: string } }).text.text).length).toBe(150);
  });

  it('the test message names the channel', () => {
    expect(slackTestMessage({ name: 'ops <team>' }).text).toContain('“ops &lt;team&gt;”');
  });
});
