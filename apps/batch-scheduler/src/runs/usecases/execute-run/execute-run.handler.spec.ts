import { scrub } from './execute-run.handler';

describe('scrub (what an unexpected job error leaves in the log)', () => {
  it('masks URL credentials and token-like pairs, and caps the length', () => {
    expect(scrub('connect failed: postgres://admin:hunter2@db:5432/prod')).toBe('connect failed: postgres://***@db:5432/prod');
    expect(scrub('401 with Authorization: Bearer abc.def and api_key=xyz; password: s3cret')).toBe('401 with Authorization: *** *** and api_key=***; password: ***');
    expect(scrub('x'.repeat(600))).toHaveLength(500);
    expect(scrub('row 5 has no email; token expired')).toBe('row 5 has no email; token expired');
  });
});
