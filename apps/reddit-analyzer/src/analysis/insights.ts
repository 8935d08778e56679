/** Community insights over posts and comments: when people are active, who posts, what they link, how posts fare. */
import { quantile, round, terms } from './text';

export interface InsightPost {
  author: string;
  createdUtc: number;
  score: number;
  numComments: number;
  domain: string;
  title: string;
  selftext: string;
}

export interface InsightComment {
  author: string;
  createdUtc: number;
  score: number;
  body: string;
}

export interface Quantiles {
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export interface CommunityInsights {
  posts: number;
  comments: number;
  activityByHourUtc: number[];
  topAuthors: { author: string; posts: number; comments: number; totalScore: number }[];
  topDomains: { domain: string; posts: number }[];
  engagement: { score: Quantiles; comments: Quantiles };
  topTerms: { term: string; count: number }[];
}

/** Not people: deleted accounts and the moderation bot. */
const NOT_AUTHORS = new Set(['[deleted]', 'automoderator', '']);

export function quantiles(values: readonly number[]): Quantiles {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    min: sorted[0] ?? 0,
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? 0,
    mean: sorted.length === 0 ? 0 : round(sorted.reduce((a, b) => a + b, 0) / sorted.length, 2),
  };
}

/** The `top` entries, highest first by `compare` (descending), ties by key. */
function topEntries<T>(map: Map<string, T>, compare: (a: T, b: T) => number, top: number): [string, T][] {
  return [...map.entries()].sort((a, b) => compare(b[1], a[1]) || a[0].localeCompare(b[0])).slice(0, top);
}
const byNumber = (a: number, b: number) => a - b;

export function communityInsights(posts: readonly InsightPost[], comments: readonly InsightComment[], top: number): CommunityInsights {
  const activityByHourUtc = Array.from({ length: 24 }, () => 0);
  for (const item of [...posts, ...comments]) activityByHourUtc[new Date(item.createdUtc * 1000).getUTCHours()]! += 1;

  const authors = new Map<string, { posts: number; comments: number; totalScore: number }>();
  const author = (name: string) => {
    let entry = authors.get(name);
    if (!entry) authors.set(name, (entry = { posts: 0, comments: 0, totalScore: 0 }));
    return entry;
  };
  for (const p of posts) {
    if (NOT_AUTHORS.has(p.author.toLowerCase())) continue;
    const a = author(p.author);
    a.posts += 1;
    a.totalScore += p.score;
  }
  for (const c of comments) {
    if (NOT_AUTHORS.has(c.author.toLowerCase())) continue;
    const a = author(c.author);
    a.comments += 1;
    a.totalScore += c.score;
  }

  const domains = new Map<string, number>();
  for (const p of posts) domains.set(p.domain, (domains.get(p.domain) ?? 0) + 1);

  const termCounts = new Map<string, number>();
  for (const text of [...posts.map((p) => `${p.title}\n${p.selftext}`), ...comments.map((c) => c.body)]) {
    for (const term of terms(text)) termCounts.set(term, (termCounts.get(term) ?? 0) + 1);
  }

  return {
    posts: posts.length,
    comments: comments.length,
    activityByHourUtc,
    topAuthors: topEntries(authors, (a, b) => a.posts + a.comments - (b.posts + b.comments) || a.totalScore - b.totalScore, top).map(([name, a]) => ({ author: name, ...a })),
    topDomains: topEntries(domains, byNumber, top).map(([domain, n]) => ({ domain, posts: n })),
    engagement: { score: quantiles(posts.map((p) => p.score)), comments: quantiles(posts.map((p) => p.numComments)) },
    topTerms: topEntries(termCounts, byNumber, top).map(([term, count]) => ({ term, count })),
  };
}
