/**
 * Whether a provider event type matches a route's glob: `*` matches any run of characters (`/` and `.`
 * included, and none at all), everything else matches itself, case-sensitively, and the whole type must match.
 *
 * Deliberately not a RegExp: `a*a*a*…b` as `.*` groups backtracks polynomially, and globs come from tenants.
 * This is the classic two-pointer wildcard match: O(glob × type) at worst, linear in the usual case.
 */
export function matchesEventType(glob: string, type: string): boolean {
  let g = 0;
  let t = 0;
  let star = -1; // position in glob just after the last `*`
  let resume = 0; // position in type that `*` has consumed up to
  while (t < type.length) {
    if (g < glob.length && glob[g] === '*') {
      star = ++g;
      resume = t;
    } else if (g < glob.length && glob[g] === type[t]) {
      g++;
      t++;
    } else if (star !== -1) {
      g = star;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (g < glob.length && glob[g] === '*') g++;
  return g === glob.length;
}
