import { Writable } from 'node:stream';
import { Logger } from '@nestjs/common';
import { createLogger } from './logger.factory';
import { PinoNestLogger } from './pino-nest.logger';

function nestLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      cb();
    },
  });
  const pino = createLogger({ service: 'batch-scheduler', destination, level: 'debug' });
  Logger.overrideLogger(new PinoNestLogger(pino));
  return { lines, logger: new Logger('LeaderElection') };
}

describe('PinoNestLogger through Nest Logger', () => {
  afterEach(() => Logger.overrideLogger(new Logger()));

  it('keeps the text of logger.log({ fields }, text) as msg, beside the fields and the context', () => {
    const { lines, logger } = nestLogger();
    logger.log({ runId: 'r-1' }, 'run resumed');
    expect(lines.at(-1)).toMatchObject({ level: 'info', msg: 'run resumed', runId: 'r-1', context: 'LeaderElection' });
  });

  it('writes a plain message, and an object without text, as before', () => {
    const { lines, logger } = nestLogger();
    logger.warn('leadership lost');
    logger.log({ ticks: 2 });
    expect(lines.at(-2)).toMatchObject({ level: 'warn', msg: 'leadership lost', context: 'LeaderElection' });
    expect(lines.at(-1)).toMatchObject({ level: 'info', ticks: 2, context: 'LeaderElection' });
    expect(lines.at(-1)).not.toHaveProperty('msg');
  });

  it('keeps a stack passed to error() as stack, not as the message', () => {
    const { lines, logger } = nestLogger();
    logger.error({ code: 'X' }, 'Error: boom\n    at f (a.ts:1:1)');
    expect(lines.at(-1)).toMatchObject({ level: 'error', code: 'X', stack: 'Error: boom\n    at f (a.ts:1:1)' });
    expect(lines.at(-1)).not.toHaveProperty('msg');
  });
});
