import { parseEnv } from '@junction/platform';
import { retentionPolicy } from './retention-env';
import { envSchema } from './env';

const base = { DATABASE_URL: 'postgresql://u@localhost:5432/db' };
const parse = (env: Record<string, string>) => parseEnv(envSchema, { ...base, ...env }, 'batch-scheduler');

describe('batch-scheduler env: retention', () => {
  it('defaults every retention to a documented value', () => {
    const env = parse({});
    expect(env).toMatchObject({ RETENTION_ENABLED: true, RETENTION_INTERVAL_MINUTES: 60, RETENTION_BATCH_SIZE: 1_000, RETENTION_BATCH_PAUSE_MS: 50 });
    expect(retentionPolicy(env).days).toEqual({ 'webhook-rejections': 14, 'audit-events': 365, inbox: 30, 'processed-messages': 45, 'dead-letters': 30, 'expired-webhook-secrets': 7, 'connection-health': 30, 'connection-events': 365, 'expired-oauth-states': 1, 'stale-claims': 7, 'command-results': 45, 'mcp-tool-calls': 30, 'mcp-tool-audit': 90, 'metric-windows-minute': 7, 'metric-windows-hour': 400 });
  });

  it('takes 0 as keep forever, and refuses a processed-message retention below its floor', () => {
    expect(retentionPolicy(parse({ RETENTION_INBOX_DAYS: '0' })).days.inbox).toBe(0);
    expect(() => parse({ RETENTION_INBOX_DAYS: '3' })).toThrow(/RETENTION_INBOX_DAYS: 0 \(keep forever\) or at least 7 days/);
    expect(() => parse({ RETENTION_PROCESSED_MESSAGES_DAYS: '3' })).toThrow(/RETENTION_PROCESSED_MESSAGES_DAYS/);
    expect(() => parse({ RETENTION_BATCH_SIZE: '0' })).toThrow(/RETENTION_BATCH_SIZE/);
    expect(() => parse({ RETENTION_ENABLED: 'yes' })).toThrow(/RETENTION_ENABLED/);
  });

  it('keeps processed-message marks at least a week longer than dead letters (a redrive must still find its mark)', () => {
    expect(() => parse({ RETENTION_DEAD_LETTERS_DAYS: '40', RETENTION_PROCESSED_MESSAGES_DAYS: '45' })).toThrow(/at least RETENTION_DEAD_LETTERS_DAYS \+ 7 \(47\)/);
    expect(() => parse({ RETENTION_DEAD_LETTERS_DAYS: '0' })).toThrow(/dead letters are kept forever/);
    expect(retentionPolicy(parse({ RETENTION_DEAD_LETTERS_DAYS: '0', RETENTION_PROCESSED_MESSAGES_DAYS: '0' })).days['processed-messages']).toBe(0);
    expect(retentionPolicy(parse({ RETENTION_DEAD_LETTERS_DAYS: '40', RETENTION_PROCESSED_MESSAGES_DAYS: '47' })).days['processed-messages']).toBe(47);
  });

  it('keeps command results (mcp-gateway) at least as long as processed-message marks; unset, exactly as long', () => {
    expect(retentionPolicy(parse({ RETENTION_DEAD_LETTERS_DAYS: '40', RETENTION_PROCESSED_MESSAGES_DAYS: '47' })).days['command-results']).toBe(47);
    expect(retentionPolicy(parse({ RETENTION_DEAD_LETTERS_DAYS: '0', RETENTION_PROCESSED_MESSAGES_DAYS: '0' })).days['command-results']).toBe(0);
    expect(retentionPolicy(parse({ RETENTION_COMMAND_RESULTS_DAYS: '90' })).days['command-results']).toBe(90);
    expect(() => parse({ RETENTION_COMMAND_RESULTS_DAYS: '30' })).toThrow(/RETENTION_COMMAND_RESULTS_DAYS: must be at least RETENTION_PROCESSED_MESSAGES_DAYS \(45\)/);
    expect(() => parse({ RETENTION_DEAD_LETTERS_DAYS: '0', RETENTION_PROCESSED_MESSAGES_DAYS: '0', RETENTION_COMMAND_RESULTS_DAYS: '90' })).toThrow(/processed messages are kept forever/);
    expect(() => parse({ RETENTION_MCP_TOOL_CALLS_DAYS: '3' })).toThrow(/RETENTION_MCP_TOOL_CALLS_DAYS: 0 \(keep forever\) or at least 7 days/);
  });
});
