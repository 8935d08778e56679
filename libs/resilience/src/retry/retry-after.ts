/**
 * `Retry-After` (RFC 9110 §10.2.3): delta-seconds or an HTTP-date. Providers stretch the first form:
 * Shopify sends float seconds ("2.0"). Anything else is garbage and ignored rather than guessed at, because
 * a mis-parsed value either hammers a provider that asked us to wait or parks a message for a day.
 */

/** No provider legitimately asks for more than a day; a larger value is a bug we should not obey. */
export const RETRY_AFTER_CAP_MS = 24 * 60 * 60 * 1000;

const SECONDS = /^\d+(?:\.\d+)?$/;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
// IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT", obsolete RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT",
// and asctime "Sun Nov  6 08:49:37 1994" — the three forms a recipient must accept.
const IMF = new RegExp(`^[A-Za-z]{3}, (\\d{2}) ([A-Za-z]{3}) (\\d{4}) ${TIME} GMT$`);
const RFC850 = new RegExp(`^[A-Za-z]{6,9}, (\\d{2})-([A-Za-z]{3})-(\\d{2}) ${TIME} GMT$`);
const ASCTIME = new RegExp(`^[A-Za-z]{3} ([A-Za-z]{3}) ([ \\d]\\d) ${TIME} (\\d{4})$`);

/** Milliseconds to wait, or undefined when absent, negative or unparseable. A date in the past means 0. */
export function parseRetryAfter(value: string | readonly string[] | null | undefined, now = Date.now()): number | undefined {
  const raw = typeof value === 'string' ? value : value?.[0];
  if (raw === undefined) return undefined;
  const v = raw.trim();
  if (v === '') return undefined;
  if (SECONDS.test(v)) return Math.min(Math.ceil(Number(v) * 1000), RETRY_AFTER_CAP_MS);
  const at = parseHttpDate(v);
  return at === undefined ? undefined : Math.min(Math.max(0, at - now), RETRY_AFTER_CAP_MS);
}

/** Epoch ms of an HTTP-date in any of its three forms, or undefined. */
export function parseHttpDate(value: string): number | undefined {
  let m = IMF.exec(value);
  if (m) return utc(m[3]!, m[2]!, m[1]!, m[4]!, m[5]!, m[6]!);
  m = RFC850.exec(value);
  if (m) {
    // RFC 9110: a two-digit year more than 50 years in the future means the past century.
    const yy = Number(m[3]);
    return utc(String(yy < 70 ? 2000 + yy : 1900 + yy), m[2]!, m[1]!, m[4]!, m[5]!, m[6]!);
  }
  m = ASCTIME.exec(value);
  if (m) return utc(m[6]!, m[1]!, m[2]!.trim(), m[3]!, m[4]!, m[5]!);
  return undefined;
}

function utc(year: string, month: string, day: string, h: string, min: string, s: string): number | undefined {
  const mon = MONTHS.indexOf(month.toLowerCase());
  const [y, d, hh, mm, ss] = [year, day, h, min, s].map(Number) as [number, number, number, number, number];
  if (mon < 0 || hh > 23 || mm > 59 || ss > 60) return undefined;
  const at = new Date(Date.UTC(y, mon, d, hh, mm, Math.min(ss, 59)));
  // Date.UTC rolls 31 Feb over into March: reject instead.
  return at.getUTCDate() === d && at.getUTCMonth() === mon ? at.getTime() : undefined;
}
