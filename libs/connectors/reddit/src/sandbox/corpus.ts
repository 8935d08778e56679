/**
 * A realistic-looking community for the sandbox (demo and tests): what real subreddits show and analysis depends on —
 * a few prolific authors and a long tail, text and link posts from a handful of domains, activity that follows the
 * day (quiet around 04:00 UTC, busy in the afternoon), heavily skewed scores, threaded comments, and a mix of praise,
 * complaints and neutral questions. Deterministic for a seed and a clock.
 */
import type { PostSeed } from './reddit-things';

export interface CorpusOptions {
  /** Posts to create (default 120). */
  posts?: number;
  /** Spread over this many days before `now` (default 7). */
  days?: number;
  /** PRNG seed (default 1). */
  seed?: number;
  now?: Date;
}

export interface CorpusComment {
  body: string;
  author: string;
  score: number;
  created_utc: number;
  /** Index of an earlier comment of the same post this one replies to; undefined = top level. */
  replyTo?: number;
}

export interface CorpusPost {
  post: PostSeed & { created_utc: number };
  comments: CorpusComment[];
}

const AUTHORS = ['throwaway_dev', 'kernel_panic', 'async_anna', 'sre_sam', 'null_pointer', 'devops_dan', 'pg_guru', 'rustacean42', 'lurker_lou', 'ts_tina', 'ops_olga', 'cache_miss', 'yaml_yolanda', 'the_real_mod', 'queue_quinn'];
const DOMAINS = ['github.com', 'youtube.com', 'i.redd.it', 'nytimes.com', 'medium.com', 'arstechnica.com'];
const SUBJECTS = ['the new release', 'our deploy pipeline', 'the message broker', 'Postgres 17', 'the migration', 'this week\'s outage', 'the API rate limits', 'the new dashboard', 'the SDK', 'on-call rotation'];
const POSITIVE = ['I love {s}, it works great', 'Huge thanks to the team, {s} is awesome', '{s} is fantastic and so much faster', 'Really happy with {s}, excellent docs', 'Great news: {s} fixed our problem'];
const NEGATIVE = ['{s} is broken again, terrible experience', 'Frustrated: {s} keeps failing and nobody helps', 'Awful regression in {s}, we lost data', '{s} is a disaster, worst update ever', 'Angry about {s}, support ignored us'];
const NEUTRAL = ['How do you configure {s}?', 'Question about {s} settings', 'Anyone running {s} on Kubernetes?', 'Notes from migrating {s}', 'What version of {s} are you on?'];
const REPLIES_POS = ['Agreed, this is great', 'Thanks, that helped a lot', 'Nice work, love it', 'Same here, very happy'];
const REPLIES_NEG = ['Same problem here, really annoying', 'This is bad, we had to roll back', 'Terrible, it crashed twice', 'Disappointed with the response'];
const REPLIES_NEU = ['Which region are you in?', 'Check the logs for the request id', 'We use the default settings', 'Following this thread'];

/** mulberry32: small, fast, good enough to make a corpus look organic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Hour-of-day weights (UTC): quiet at night, a peak in the afternoon. */
const HOUR_WEIGHT = Array.from({ length: 24 }, (_, h) => 0.25 + Math.exp(-((h - 16) ** 2) / 18));

export function generateCorpus(subreddit: string, options: CorpusOptions = {}): CorpusPost[] {
  const random = prng(options.seed ?? 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  // Zipf-like: the first authors post far more than the tail.
  const author = () => AUTHORS[Math.min(AUTHORS.length - 1, Math.floor(AUTHORS.length * random() ** 2.2))]!;
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const days = options.days ?? 7;
  const totalWeight = HOUR_WEIGHT.reduce((a, b) => a + b, 0);
  const hour = () => {
    let r = random() * totalWeight;
    for (const [h, w] of HOUR_WEIGHT.entries()) if ((r -= w) <= 0) return h;
    return 23;
  };
  const created = Array.from({ length: options.posts ?? 120 }, () => {
    const day = Math.floor(random() * days);
    const midnight = Math.floor(now / 86_400) * 86_400 - day * 86_400;
    return Math.min(now - 60, midnight + hour() * 3_600 + Math.floor(random() * 3_600));
  }).sort((a, b) => a - b);

  return created.map((createdUtc) => {
    const mood = random();
    const templates = mood < 0.35 ? POSITIVE : mood < 0.6 ? NEGATIVE : NEUTRAL;
    const title = pick(templates).replace('{s}', pick(SUBJECTS));
    const link = random() < 0.3;
    // Log-normal-ish scores: most posts get a handful of votes, a few take off.
    const score = Math.max(0, Math.round(Math.exp(random() * 6) - 1 - (mood >= 0.35 && mood < 0.6 ? 3 : 0)));
    const post: CorpusPost['post'] = {
      title,
      author: author(),
      score,
      created_utc: createdUtc,
      ...(link ? { url: `https://${pick(DOMAINS)}/${Math.floor(random() * 1e6).toString(36)}` } : { selftext: `${title}. More details in the comments.` }),
    };
    const comments: CorpusComment[] = [];
    const n = Math.floor(random() ** 2 * Math.min(40, score / 4 + 6));
    for (let i = 0; i < n; i++) {
      const replyMood = random();
      comments.push({
        body: pick(replyMood < 0.35 ? REPLIES_POS : replyMood < 0.6 ? REPLIES_NEG : REPLIES_NEU),
        author: author(),
        score: Math.round(Math.exp(random() * 3)) - 1,
        created_utc: Math.min(now, createdUtc + 60 * (i + 1) + Math.floor(random() * 600)),
        replyTo: i > 0 && random() < 0.45 ? Math.floor(random() * i) : undefined,
      });
    }
    return { post, comments };
  });
}
