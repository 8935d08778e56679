import { anyKeyMatches, checkTimestamp, hmac, readHeader, readSignatureList } from './hmac';

const tolerance = { pastSeconds: 300, futureSeconds: 60 };
const now = 1_700_000_000;

describe('readHeader', () => {
  it('handles string, array (joined as Node joins repeats) and absent, and treats blank as absent', () => {
    expect(readHeader({ a: ' v ' }, 'a')).toBe('v');
    expect(readHeader({ a: ['x', 'y'] }, 'a')).toBe('x, y');
    expect(readHeader({ a: ['x', 'y'] }, 'a', ' ')).toBe('x y');
    expect(readHeader({ a: [] }, 'a')).toBeUndefined();
    expect(readHeader({ a: '  ' }, 'a')).toBeUndefined();
    expect(readHeader({}, 'a')).toBeUndefined();
    expect(readSignatureList({ a: ['x', 'y, z'] }, 'a')).toEqual(['x', 'y', 'z']);
  });
});

describe('checkTimestamp', () => {
  it.each([
    [undefined, 'MISSING_SIGNATURE'],
    ['', 'INVALID_SIGNATURE'],
    ['17e8', 'INVALID_SIGNATURE'],
    [`0${now}`, 'INVALID_SIGNATURE'],
    [`${now}.5`, 'INVALID_SIGNATURE'],
    [`-${now}`, 'INVALID_SIGNATURE'],
    ['1'.repeat(13), 'INVALID_SIGNATURE'],
    [String(now - 301), 'TIMESTAMP_OUT_OF_TOLERANCE'],
    [String(now + 61), 'TIMESTAMP_OUT_OF_TOLERANCE'],
  ])('refuses %p as %s', (raw, code) => {
    expect(checkTimestamp(raw, 'ts', { nowSeconds: now, tolerance })).toMatchObject({ ok: false, code });
  });

  it('accepts the bounds', () => {
    expect(checkTimestamp(String(now - 300), 'ts', { nowSeconds: now, tolerance })).toEqual({ ok: true, timestamp: now - 300 });
    expect(checkTimestamp(String(now + 60), 'ts', { nowSeconds: now, tolerance })).toEqual({ ok: true, timestamp: now + 60 });
  });
});

describe('anyKeyMatches', () => {
  const key = Buffer.from('k');
  const sign = (k: Buffer) => hmac('sha256', k, ['body']);
  const hex = sign(key).toString('hex');
  const b64 = sign(key).toString('base64');

  it('compares encoded strings, because Node decodes hex and base64 leniently', () => {
    // Each variant decodes to the right digest with Buffer.from, and must still be refused.
    for (const [variant, encoding] of [
      [`${hex}zz`, 'hex'],
      [`${hex}0`, 'hex'],
      [hex.toUpperCase(), 'hex'],
      [b64.replace(/=$/, ''), 'base64'],
      [`${b64.slice(0, -2)}${String.fromCharCode(b64.charCodeAt(b64.length - 2) + 1)}=`, 'base64'],
    ] as const) {
      expect(Buffer.from(variant, encoding)).toEqual(sign(key));
      expect(anyKeyMatches([key], [variant], encoding, sign)).toBe(false);
    }
    expect(anyKeyMatches([key], [hex], 'hex', sign)).toBe(true);
    expect(anyKeyMatches([key], [b64], 'base64', sign)).toBe(true);
  });

  it('is true when any key matches any candidate', () => {
    expect(anyKeyMatches([Buffer.from('x'), key], ['nope', hex], 'hex', sign)).toBe(true);
    expect(anyKeyMatches([], [hex], 'hex', sign)).toBe(false);
  });
});
