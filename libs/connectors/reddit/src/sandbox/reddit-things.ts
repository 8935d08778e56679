/** Reddit "things" as the sandbox stores them, the Listing envelope, and fullname paging. */
export interface RedditPost {
  id: string;
  name: string;
  title: string;
  selftext: string;
  author: string;
  subreddit: string;
  subreddit_name_prefixed: string;
  created_utc: number;
  permalink: string;
  url: string;
  /** `self.<sub>` for a text post, else the link's host without `www.`. */
  domain: string;
  is_self: boolean;
  score: number;
  ups: number;
  upvote_ratio: number;
  num_comments: number;
}

export interface RedditComment {
  id: string;
  name: string;
  parent_id: string;
  link_id: string;
  body: string;
  author: string;
  subreddit: string;
  created_utc: number;
  score: number;
  permalink: string;
  /** Reply depth (0 = top level), as Reddit sends it. */
  depth: number;
}

/** A `more` stub: comments left out of a tree (`limit` reached), or `count: 0, id: "_"` for "continue this thread" (`depth` reached). */
export interface RedditMore {
  count: number;
  name: string;
  id: string;
  parent_id: string;
  depth: number;
  children: string[];
}

export interface PostSeed {
  title?: string;
  selftext?: string;
  author?: string;
  /** A link post's URL (default: a self post). */
  url?: string;
  score?: number;
  /** Seconds; default "now" (each seed a second newer than the last). Seed in chronological order. */
  created_utc?: number;
}

export interface CommentSeed {
  body?: string;
  author?: string;
  /** A comment's fullname (t1_…) to reply to; default the post (top level). */
  parent_id?: string;
  score?: number;
  created_utc?: number;
}

export interface Thing<K extends string, T> {
  kind: K;
  data: T;
}

export interface Listing<T> {
  kind: 'Listing';
  data: { after: string | null; before: string | null; dist: number | null; children: T[] };
}

export function listing<T>(children: T[], after: string | null, before: string | null, dist: number | null = children.length): Listing<T> {
  return { kind: 'Listing', data: { after, before, dist, children } };
}

/**
 * One page of `rows` (newest first) around the `after`/`before` fullnames. `after` takes precedence when
 * both are given. The envelope's `after` is set when older rows remain, `before` when newer rows exist.
 */
export function pageByFullname<T extends { name: string }>(
  rows: T[],
  limit: number,
  cursor: { after?: string | null; before?: string | null },
): { items: T[]; after: string | null; before: string | null } {
  let start = 0;
  let end = Math.min(rows.length, limit);
  if (cursor.after) {
    const at = rows.findIndex((r) => r.name === cursor.after);
    start = at < 0 ? rows.length : at + 1;
    end = Math.min(rows.length, start + limit);
  } else if (cursor.before) {
    const at = rows.findIndex((r) => r.name === cursor.before);
    end = at < 0 ? 0 : at;
    start = Math.max(0, end - limit);
  }
  const items = rows.slice(start, end);
  return {
    items,
    after: items.length > 0 && end < rows.length ? items[items.length - 1]!.name : null,
    before: items.length > 0 && start > 0 ? items[0]!.name : null,
  };
}
