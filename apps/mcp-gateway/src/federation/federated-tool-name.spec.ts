import { federatedPrefixOf, federatedToolName, MAX_TOOL_NAME } from './federated-tool-name';

const PORTABLE = /^[A-Za-z0-9_-]{1,64}$/;

describe('federatedToolName', () => {
  it('is <connection>__<tool> when both are portable and it fits', () => {
    expect(federatedToolName('everything', 'echo')).toBe('everything__echo');
    expect(federatedToolName('github-prod', 'create_issue')).toBe('github-prod__create_issue');
  });

  it('sanitizes, and then adds a hash of the exact pair, so names that sanitize alike stay apart', () => {
    const dotted = federatedToolName('my server', 'files.read');
    const underscored = federatedToolName('my_server', 'files_read');
    expect(dotted).toMatch(/^my_server__files_read_[0-9a-f]{8}$/);
    expect(underscored).toBe('my_server__files_read');
    expect(dotted).not.toBe(underscored);
    expect(federatedToolName('Büro', 'tool/with/slash')).toMatch(PORTABLE);
  });

  it('keeps the seam unambiguous: a connection name holding or ending in "_" gets a hash', () => {
    const a = federatedToolName('a_', '_b');
    const b = federatedToolName('a', '__b');
    const c = federatedToolName('a__x', 'b');
    expect(new Set([a, b, c, federatedToolName('a', 'x__b')]).size).toBe(4);
    expect(a).toMatch(/_[0-9a-f]{8}$/);
    expect(c).toMatch(/_[0-9a-f]{8}$/);
  });

  it('shortens long names to 64 characters with a hash, stable and distinct', () => {
    const connection = 'a-connection-with-a-rather-long-name-for-its-server';
    const one = federatedToolName(connection, 'a_tool_with_an_equally_long_name_that_goes_on_and_on_1');
    const two = federatedToolName(connection, 'a_tool_with_an_equally_long_name_that_goes_on_and_on_2');
    for (const name of [one, two]) {
      expect(name.length).toBeLessThanOrEqual(MAX_TOOL_NAME);
      expect(name).toMatch(PORTABLE);
      expect(name.startsWith(`${federatedPrefixOf(connection)}__`)).toBe(true);
    }
    expect(one).not.toBe(two);
    expect(federatedToolName(connection, 'a_tool_with_an_equally_long_name_that_goes_on_and_on_1')).toBe(one);
  });

  it('every name starts with its connection prefix (the router pre-filters on it)', () => {
    for (const [connection, tool] of [
      ['everything', 'echo'],
      ['my server', 'x.y'],
      ['x'.repeat(100), 'y'.repeat(100)],
    ] as const) {
      expect(federatedToolName(connection, tool).startsWith(federatedPrefixOf(connection))).toBe(true);
    }
  });
});
