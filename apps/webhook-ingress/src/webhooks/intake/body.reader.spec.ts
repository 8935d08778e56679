import { PassThrough } from 'node:stream';
import { readBody } from './body.reader';

describe('readBody', () => {
  it('reads a body within the limit', async () => {
    const stream = new PassThrough();
    const read = readBody(stream, 10);
    stream.write('hello ');
    stream.end('world');
    await expect(read).resolves.toMatchObject({ ok: false, reason: 'too-large' });
    const small = new PassThrough();
    const ok = readBody(small, 11);
    small.end('hello world');
    await expect(ok).resolves.toEqual({ ok: true, body: Buffer.from('hello world') });
  });

  it('stops reading at the limit instead of buffering the rest', async () => {
    const stream = new PassThrough();
    const read = readBody(stream, 1_024);
    stream.write(Buffer.alloc(1_000));
    stream.write(Buffer.alloc(1_000));
    await expect(read).resolves.toEqual({ ok: false, reason: 'too-large' });
    expect(stream.listenerCount('data')).toBe(0);
    stream.destroy();
  });

  it('refuses a declared Content-Length over the limit without reading', async () => {
    const stream = new PassThrough();
    await expect(readBody(stream, 100, 10 * 1024 * 1024)).resolves.toEqual({ ok: false, reason: 'too-large' });
  });

  it('reports a body that ends early', async () => {
    const stream = new PassThrough();
    const read = readBody(stream, 100);
    stream.destroy(new Error('socket hang up'));
    await expect(read).resolves.toEqual({ ok: false, reason: 'aborted' });
  });
});
