/** Reddit's wire shapes (Listings of things) → the client's types. Pure, so the tree walk is testable alone. */
import { malformed } from './reddit.errors';
import type { RedditCommentData, RedditCommentThread, RedditPage, RedditPostData } from './reddit.types';

type Raw = Record<string, unknown>;

const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function children(listing: unknown, operation: string): { things: Raw[]; after: string | null } {
  if (!isObject(listing) || listing.kind !== 'Listing' || !isObject(listing.data) || !Array.isArray(listing.data.children)) throw malformed(operation);
  const after = listing.data.after;
  return { things: listing.data.children.filter(isObject), after: typeof after === 'string' && after !== '' ? after : null };
}

export function toPost(data: Raw): RedditPostData {
  const id = str(data.id);
  const subreddit = str(data.subreddit);
  return {
    id,
    fullname: str(data.name, `t3_${id}`),
    subreddit,
    title: str(data.title),
    selftext: str(data.selftext),
    // Deleted accounts come back as "[deleted]"; keep it, it is what Reddit shows.
    author: str(data.author, '[deleted]'),
    createdUtc: num(data.created_utc),
    score: Math.round(num(data.score)),
    numComments: Math.max(0, Math.round(num(data.num_comments))),
    permalink: str(data.permalink),
    url: str(data.url),
    domain: str(data.domain, `self.${subreddit}`),
    isSelf: data.is_self === true,
  };
}

/** A Listing of t3 things → one page of posts and the `after` cursor. */
export function toPostPage(body: unknown, operation: string): RedditPage<RedditPostData> {
  const { things, after } = children(body, operation);
  return { items: things.filter((t) => t.kind === 't3' && isObject(t.data)).map((t) => toPost(t.data as Raw)), after };
}

/**
 * `[post Listing, comment Listing]` → the post and its comment tree flattened depth first. Depth and parent are taken
 * from the walk (not the `depth` field some responses omit); `more` stubs are counted, not followed.
 */
export function toCommentThread(body: unknown, operation: string): RedditCommentThread {
  if (!Array.isArray(body) || body.length < 2) throw malformed(operation);
  const [postThing] = children(body[0], operation).things;
  if (!postThing || !isObject(postThing.data)) throw malformed(operation);
  const post = toPost(postThing.data);
  const comments: RedditCommentData[] = [];
  const more = { stubs: 0, count: 0, continueThread: 0 };
  let maxDepth = 0;

  const walk = (listing: unknown, parentId: string, depth: number): void => {
    for (const thing of children(listing, operation).things) {
      if (!isObject(thing.data)) continue;
      const data = thing.data;
      if (thing.kind === 'more') {
        more.stubs += 1;
        more.count += Math.max(0, num(data.count));
        if (data.id === '_' || (num(data.count) === 0 && Array.isArray(data.children) && data.children.length === 0)) more.continueThread += 1;
        continue;
      }
      if (thing.kind !== 't1') continue;
      const id = str(data.id);
      const fullname = str(data.name, `t1_${id}`);
      comments.push({
        id,
        fullname,
        parentId: str(data.parent_id, parentId),
        depth,
        author: str(data.author, '[deleted]'),
        body: str(data.body),
        score: Math.round(num(data.score)),
        createdUtc: num(data.created_utc),
        permalink: str(data.permalink),
      });
      maxDepth = Math.max(maxDepth, depth);
      // No replies: Reddit sends "" rather than an empty Listing.
      if (isObject(data.replies)) walk(data.replies, fullname, depth + 1);
    }
  };
  walk(body[1], post.fullname, 0);
  return { post, comments, more, maxDepth };
}
