import { freePort } from '@junction/persistence';
import { rabbitMqReachable } from './rabbitmq.probe';

describe('rabbitMqReachable', () => {
  let nobody: string;

  beforeAll(async () => {
    // A port nothing listens on: the probe's connection is refused at once.
    nobody = `amqp://guest:guest@127.0.0.1:${await freePort()}`;
  });

  it('fails in CI when the broker is missing, so the suites that need it cannot go green skipped', () => {
    expect(() => rabbitMqReachable('the probe test', nobody, true)).toThrow(/NOT reachable at amqp:\/\/\*\*\*@127\.0\.0\.1:\d+: in CI \(CI=true\) the probe test must run/);
  });

  it('on a developer machine says so loudly and skips', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(rabbitMqReachable('the probe test', nobody, false)).toBe(false);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('the probe test is SKIPPED'));
      // The password never reaches the output.
      expect(String(warn.mock.calls[0]![0])).not.toContain('guest:guest');
    } finally {
      warn.mockRestore();
    }
  });
});
