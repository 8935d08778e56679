import { matchesEventType } from '@junction/webhooks';

/** An API key's "virtual server": with globs, only the tools one of them matches; without, every tool. */
export function toolAllowed(globs: readonly string[], tool: string): boolean {
  return globs.length === 0 || globs.some((glob) => matchesEventType(glob, tool));
}
