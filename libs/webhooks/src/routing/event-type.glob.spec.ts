import { matchesEventType } from './event-type.glob';

describe('matchesEventType', () => {
  it.each([
    ['orders/create', 'orders/create'],
    ['orders/*', 'orders/create'],
    ['orders/*', 'orders/'],
    ['*', 'anything/at.all'],
    ['*', ''],
    ['*/create', 'orders/create'],
    ['*/create', 'a/b/create'],
    ['customer.*', 'customer.subscription.updated'],
    ['*.updated', 'customer.subscription.updated'],
    ['invoice.*.failed', 'invoice.payment.failed'],
    ['a*b*c', 'abc'],
    ['a*b*c', 'aXbYbZc'],
    ['**', 'x'],
    ['pull_request', 'pull_request'],
  ])('%s matches %s', (glob, type) => {
    expect(matchesEventType(glob, type)).toBe(true);
  });

  it.each([
    ['orders/create', 'orders/created'], // the whole type must match
    ['orders/create', 'xorders/create'],
    ['orders/*', 'order/create'],
    ['Orders/*', 'orders/create'], // case-sensitive
    ['orders/create', 'ORDERS/CREATE'],
    ['*/create', 'orders/update'],
    ['a*b*c', 'acb'],
    ['customer.?', 'customer.x'], // only * is special: ? is itself
    ['customer.[a-z]', 'customer.a'],
    ['order.+', 'orderrr'],
    ['', 'x'],
  ])('%s does not match %s', (glob, type) => {
    expect(matchesEventType(glob, type)).toBe(false);
  });

  it('treats regex and glob metacharacters other than * literally', () => {
    expect(matchesEventType('customer.?', 'customer.?')).toBe(true);
    expect(matchesEventType('a.b', 'aXb')).toBe(false);
  });

  it('stays fast on a pathological glob (no regex backtracking)', () => {
    const glob = `${'a*'.repeat(100)}b`;
    const type = 'a'.repeat(200);
    const started = performance.now();
    expect(matchesEventType(glob, type)).toBe(false);
    expect(performance.now() - started).toBeLessThan(50);
  });
});
