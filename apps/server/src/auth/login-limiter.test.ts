// The login limiter's rules, with a clock the spec steps instead of waiting.
import { describe, expect, it } from 'vitest';
import { addressKey, LoginBlocked, LoginLimiter } from './login-limiter.ts';

function limiter(options: ConstructorParameters<typeof LoginLimiter>[0] = {}) {
  const clock = { ms: 1_000_000, now: () => clock.ms };
  const limits = new LoginLimiter(
    {
      max: 3,
      windowMs: 60_000,
      freeFailuresPerUsername: 2,
      usernameDelayMs: 100,
      maxUsernameDelayMs: 1_000,
      ...options,
    },
    clock,
  );
  return { limits, clock };
}

const failFrom = (limits: LoginLimiter, address: string, username: string) =>
  limits.begin(address, username).fail();

function blocked(run: () => unknown): LoginBlocked | null {
  try {
    run();
    return null;
  } catch (error) {
    if (error instanceof LoginBlocked) return error;
    throw error;
  }
}

describe('per address', () => {
  it('blocks an address after max failures, whatever names it tried, until its window ends', () => {
    const { limits, clock } = limiter();
    failFrom(limits, '203.0.113.7', 'ada');
    failFrom(limits, '203.0.113.7', 'bob');
    clock.ms += 20_000;
    failFrom(limits, '203.0.113.7', 'eve');

    const refusal = blocked(() => limits.begin('203.0.113.7', 'ada'));
    expect(refusal?.retryAfterSeconds).toBe(40);
    expect(blocked(() => limits.begin('198.51.100.2', 'ada').end())).toBeNull();

    clock.ms += 40_001;
    expect(blocked(() => limits.begin('203.0.113.7', 'ada').end())).toBeNull();
  });

  it('counts failures only: any number of successes leaves the address free', () => {
    const { limits } = limiter();
    for (let i = 0; i < 50; i++) limits.begin('203.0.113.7', 'ada').end();
    expect(limits.addressFailures('203.0.113.7')).toBe(0);
  });

  it('counts attempts in flight, so a burst in parallel gets no more than max', () => {
    const { limits } = limiter();
    const burst = [0, 1, 2].map(() => limits.begin('203.0.113.7', 'ada'));

    expect(blocked(() => limits.begin('203.0.113.7', 'ada'))?.retryAfterSeconds).toBe(1);

    for (const attempt of burst) attempt.end();
    expect(blocked(() => limits.begin('203.0.113.7', 'ada').end())).toBeNull();
  });

  it('counts an IPv6 /64 as one address, and an IPv4-mapped address as its IPv4', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe(addressKey('2001:db8:1:2:bbbb::9'));
    expect(addressKey('2001:db8:1:2::1')).not.toBe(addressKey('2001:db8:1:3::1'));
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');

    const { limits } = limiter();
    for (const host of ['1', '2', '3']) failFrom(limits, `2001:db8:1:2::${host}`, 'ada');
    expect(blocked(() => limits.begin('2001:db8:1:2::99', 'ada'))).toBeInstanceOf(LoginBlocked);
  });
});

describe('per username', () => {
  it('slows, never blocks: the delay doubles per failure past the free ones, up to the cap', () => {
    const { limits } = limiter({ max: 1_000 });
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const attempt = limits.begin(`198.51.100.${i}`, 'ada');
      delays.push(attempt.delayMs);
      attempt.fail();
    }
    expect(delays).toEqual([0, 0, 0, 100, 200, 400, 800, 1_000]);
    // From a fresh address the right password is still checked, after the capped delay.
    const real = limits.begin('192.0.2.1', 'ada');
    expect(real.delayMs).toBe(1_000);
    real.end();
    expect(limits.usernameDelay('bob')).toBe(0);
  });

  it('forgets a username’s failures a window after the last one', () => {
    const { limits, clock } = limiter({ max: 1_000 });
    for (let i = 0; i < 4; i++) {
      failFrom(limits, `198.51.100.${i}`, 'ada');
      clock.ms += 30_000;
    }
    expect(limits.usernameDelay('ada')).toBe(200);
    clock.ms += 60_001;
    expect(limits.usernameDelay('ada')).toBe(0);
  });

  it('escalates the delay for attempts in flight, so a parallel burst pays as a serial one', () => {
    const { limits } = limiter({ max: 1_000 });
    const burst = [0, 1, 2, 3].map((i) => limits.begin(`198.51.100.${i}`, 'ada'));
    expect(burst.map((attempt) => attempt.delayMs)).toEqual([0, 0, 0, 100]);
    for (const attempt of burst) attempt.end();
    expect(limits.usernameDelay('ada')).toBe(0);
  });

  it('remembers a bounded number of names: the least recently failed are forgotten first', () => {
    const { limits } = limiter({ max: 1_000, trackedKeys: 2, freeFailuresPerUsername: 0 });
    failFrom(limits, '198.51.100.1', 'ada');
    failFrom(limits, '198.51.100.1', 'bob');
    failFrom(limits, '198.51.100.1', 'eve');
    expect(limits.usernameDelay('ada')).toBe(0);
    expect(limits.usernameDelay('eve')).toBe(100);
  });
});
