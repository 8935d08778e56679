/** Monthly `LinkedIn-Version` values (YYYYMM, optionally `.RR` for a patch release). */
export const VERSION_FORMAT = /^(\d{4})(0[1-9]|1[0-2])(?:\.\d{2})?$/;

/**
 * LinkedIn supports each monthly Marketing version for about a year. Without an explicit list the sandbox
 * treats the 12 months up to `now` (UTC) as active, so a client pinned to an old version starts failing in
 * the sandbox about when it would against LinkedIn.
 */
export function rollingActiveVersions(now: Date, months = 12): string[] {
  const out: string[] = [];
  for (let i = 0; i < months; i++) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
    out.push(`${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
  }
  return out;
}

/** `202506.01` is active when `202506` is. */
export function isActiveVersion(version: string, active: readonly string[]): boolean {
  return VERSION_FORMAT.test(version) && active.includes(version.slice(0, 6));
}
