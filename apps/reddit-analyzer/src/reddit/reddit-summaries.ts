/** Reddit data → what events carry (small, capped) and what the stored result keeps (bounded text). */
import type { MessagePayload } from '@junction/contracts';
import type { RedditCommentData, RedditPostData } from '@junction/connectors/reddit';

type PostSummary = MessagePayload<'reddit.subreddit-posts.retrieved'>['posts'][number];
type CommentSummary = MessagePayload<'reddit.post-comments.retrieved'>['comments'][number];

/** Items an event lists (the contracts' max); the rest are counted in `omitted` and kept in the stored result. */
export const EVENT_ITEMS = 50;
/** Text kept per item in the stored result (Reddit allows 40,000 characters of self text). */
const STORED_TEXT = 4_000;

const cut = (text: string, max: number) => (text.length > max ? text.slice(0, max) : text);

export function postSummary(p: RedditPostData): PostSummary {
  return {
    id: cut(p.id, 20),
    fullname: cut(p.fullname, 24),
    subreddit: cut(p.subreddit, 30),
    title: cut(p.title, 300),
    author: cut(p.author, 40),
    createdUtc: p.createdUtc,
    score: p.score,
    numComments: p.numComments,
    permalink: cut(p.permalink, 500),
    domain: cut(p.domain, 200),
  };
}

export function commentSummary(c: RedditCommentData): CommentSummary {
  return {
    id: cut(c.id, 20),
    parentId: cut(c.parentId, 24),
    depth: c.depth,
    author: cut(c.author, 40),
    createdUtc: c.createdUtc,
    score: c.score,
    body: cut(c.body, 500),
  };
}

/** The first `max` items and how many were left out. */
export function capped<T>(items: readonly T[], max = EVENT_ITEMS): { list: T[]; omitted: number } {
  return { list: items.slice(0, max), omitted: Math.max(0, items.length - max) };
}

export function storedPost(p: RedditPostData): RedditPostData {
  return { ...p, selftext: cut(p.selftext, STORED_TEXT) };
}

export function storedComment(c: RedditCommentData): RedditCommentData {
  return { ...c, body: cut(c.body, STORED_TEXT) };
}
