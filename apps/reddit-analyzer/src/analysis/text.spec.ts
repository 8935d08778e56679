import { quantile, terms } from './text';

describe('terms', () => {
  it('lower-cases, drops stop words, numbers, short words, URLs and r/ u/ mentions', () => {
    expect(terms('The Webhook retries in r/devops are EXPLODING since 2024, see https://example.com/x and u/someone')).toEqual(['webhook', 'retries', 'exploding', 'see']);
  });

  it('keeps letters of any script and joins contractions', () => {
    expect(terms("Don't break the Zürich déploiement")).toEqual(['break', 'zürich', 'déploiement']);
  });
});

describe('quantile', () => {
  it('is the nearest rank of a sorted list', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect([quantile(sorted, 0.5), quantile(sorted, 0.9), quantile(sorted, 0.99), quantile(sorted, 0)]).toEqual([5, 9, 10, 1]);
    expect(quantile([], 0.5)).toBe(0);
  });
});
