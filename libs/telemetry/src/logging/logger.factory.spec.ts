import { Writable } from 'node:stream';
import { runWithLogContext } from './log-context';
import { createLogger, redactUrl } from './logger.factory';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()));
      cb();
    },
  });
  return { lines, logger: createLogger({ service: 'erp-worker', destination }) };
}

describe('logger', () => {
  it('writes JSON with service, level and the message context', () => {
    const { lines, logger } = capture();
    runWithLogContext({ correlationId: 'corr-1', messageId: 'msg-1' }, () => logger.info({ n: 1 }, 'handled'));
    expect(lines[0]).toMatchObject({ service: 'erp-worker', level: 'info', msg: 'handled', correlationId: 'corr-1', messageId: 'msg-1', n: 1 });
  });

  it('never writes secrets it is handed', () => {
    const { lines, logger } = capture();
    logger.info({ config: { apiSecret: 's3cr3t', databaseUrl: 'postgres://u:pw@h/db' }, req: { headers: { authorization: 'token k:s3cr3t' } } }, 'x');
    const text = JSON.stringify(lines[0]);
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain(':pw@');
    expect(text).toContain('[redacted]');
  });

  it('redacts credentials in URLs and connection strings', () => {
    expect(redactUrl('postgresql://root:hunter2@127.0.0.1:5432/db')).toBe('postgresql://root:***@127.0.0.1:5432/db');
    expect(redactUrl('Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=R;SharedAccessKey=abc=;')).not.toContain('abc=');
  });
});
