import { ExpiryQueue, type Expiring } from './expiry-queue';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function entry(name: string, expired: string[]): Expiring {
  return { expiresAt: 0, prevExpiring: undefined, nextExpiring: undefined, expire: () => expired.push(name) };
}

/** The queue's one timer, for the checks on what it keeps alive. */
const timerOf = (queue: ExpiryQueue) => (queue as unknown as { timer?: NodeJS.Timeout }).timer;

describe('ExpiryQueue', () => {
  it('expires entries in order of expiry whatever the order they came in, each once, and never a removed one', async () => {
    const queue = new ExpiryQueue();
    const expired: string[] = [];
    const now = performance.now();
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => entry(n, expired));
    queue.add(a!, now, 60);
    queue.add(b!, now, 20);
    queue.add(c!, now, 40);
    queue.add(d!, now, 30);
    queue.remove(d!);
    await sleep(30);
    expect(expired).toEqual(['b']);
    await sleep(50);
    expect(expired).toEqual(['b', 'c', 'a']);
  });

  it('re-arms for a sooner entry, and holds the process open only while something is queued', async () => {
    const queue = new ExpiryQueue();
    const expired: string[] = [];
    const long = entry('long', expired);
    const short = entry('short', expired);
    queue.add(long, performance.now(), 10_000);
    expect(timerOf(queue)?.hasRef()).toBe(true);
    queue.add(short, performance.now(), 20);
    await sleep(40);
    expect(expired).toEqual(['short']);
    queue.remove(long);
    expect(timerOf(queue)?.hasRef()).toBe(false);
    // A later entry re-uses the armed (later) timer and holds the process again.
    queue.add(long, performance.now(), 20_000);
    expect(timerOf(queue)?.hasRef()).toBe(true);
    queue.remove(long);
    expect(timerOf(queue)?.hasRef()).toBe(false);
  });
});
