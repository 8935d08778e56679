import type { Readable } from 'node:stream';

export type BodyRead = { ok: true; body: Buffer } | { ok: false; reason: 'too-large' | 'aborted' };

/**
 * Reads a request body, but never more than `limit` bytes: past the limit it stops collecting and answers
 * too-large at once, so a 10 MB body costs us at most `limit` bytes of memory. What is left of the body is the
 * caller's to discard (see `discardRest`).
 */
export function readBody(stream: Readable, limit: number, declaredLength?: number): Promise<BodyRead> {
  if (declaredLength !== undefined && declaredLength > limit) return Promise.resolve({ ok: false, reason: 'too-large' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: BodyRead) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('aborted', onError);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return finish({ ok: false, reason: 'too-large' });
      chunks.push(chunk);
    };
    const onEnd = () => finish({ ok: true, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) });
    const onError = () => finish({ ok: false, reason: 'aborted' });
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('aborted', onError);
  });
}

/** How long a rejected request's remaining body is drained before the socket is cut. */
const LINGER_MS = 10_000;

/**
 * After an early answer (413, 404, …) the client is usually still sending. Closing at once would reset the
 * connection with its data unread, and a reset can wipe our answer from the client's buffers before it reads
 * it (nginx's lingering close exists for this). So the rest is read and thrown away, for at most LINGER_MS.
 */
export function discardRest(stream: Readable): void {
  if (stream.readableEnded || stream.destroyed) return;
  const timer = setTimeout(() => stream.destroy(), LINGER_MS).unref();
  stream.once('close', () => clearTimeout(timer));
  stream.once('end', () => clearTimeout(timer));
  stream.resume();
}
