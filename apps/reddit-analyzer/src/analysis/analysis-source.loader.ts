import { Injectable } from '@nestjs/common';
import type { RedditAnalysisSource } from '@junction/contracts';
import { RedditReader, type RedditCommandRef } from '../reddit/reddit-reader';

/** One text to analyse: a post (title + self text) or a comment. */
export interface AnalysisDocument {
  fullname: string;
  kind: 'post' | 'comment';
  subreddit: string;
  author: string;
  text: string;
  createdUtc: number;
}

export interface LoadedSource {
  documents: AnalysisDocument[];
  /** For the stored row: the subreddit and the query or post it was read from. */
  subreddit: string | null;
  query: string | null;
}

/** Reads what an analysis command names (a subreddit's posts, a post's comments, a search) from Reddit. */
@Injectable()
export class AnalysisSourceLoader {
  constructor(private readonly reddit: RedditReader) {}

  async load(command: RedditCommandRef, source: RedditAnalysisSource, signal?: AbortSignal): Promise<LoadedSource> {
    const target = await this.reddit.target(command);
    switch (source.kind) {
      case 'subreddit': {
        const { items } = await this.reddit.posts(target, command, { subreddit: source.subreddit, sort: source.sort, time: source.time, limit: source.limit }, signal);
        return { documents: items.map(postDocument), subreddit: source.subreddit, query: null };
      }
      case 'search': {
        const { items } = await this.reddit.search(target, command, { q: source.q, subreddit: source.subreddit, sort: 'new', time: source.time ?? 'all', limit: source.limit }, signal);
        return { documents: items.map(postDocument), subreddit: source.subreddit ?? null, query: source.q };
      }
      case 'post-comments': {
        const postId = source.postId.replace(/^t3_/, '');
        const thread = await this.reddit.comments(target, command, { postId, limit: source.limit }, signal);
        const documents = thread.comments.map((c): AnalysisDocument => ({ fullname: c.fullname, kind: 'comment', subreddit: thread.post.subreddit, author: c.author, text: c.body, createdUtc: c.createdUtc }));
        return { documents, subreddit: thread.post.subreddit, query: `t3_${postId}` };
      }
    }
  }
}

function postDocument(p: { fullname: string; subreddit: string; author: string; title: string; selftext: string; createdUtc: number }): AnalysisDocument {
  return { fullname: p.fullname, kind: 'post', subreddit: p.subreddit, author: p.author, text: p.selftext ? `${p.title}\n${p.selftext}` : p.title, createdUtc: p.createdUtc };
}
