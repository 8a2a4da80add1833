/** The per-member sliding window on its own clock: counts per member and action, frees starts as they age out. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS, MemberRateLimiter, RateLimitedError } from '../../bot/discord/rate-limits.ts';

function limiter(rules = { sync: { limit: 3, windowMs: 60_000 }, bankAdd: { limit: 1, windowMs: 600_000 } }) {
  const clock = { t: 1_000_000 };
  return { clock, limits: new MemberRateLimiter(() => clock.t, rules) };
}

describe('MemberRateLimiter', () => {
  it('lets `limit` starts through in a window, then says when the oldest leaves it', () => {
    const { clock, limits } = limiter();
    expect(limits.take('sync', 1)).toEqual({ allowed: true });
    clock.t += 10_000;
    expect(limits.take('sync', 1)).toEqual({ allowed: true });
    expect(limits.take('sync', 1)).toEqual({ allowed: true });
    expect(limits.take('sync', 1)).toEqual({ allowed: false, retryAt: new Date(1_000_000 + 60_000) });
    // Refusals are not counted: once the first start ages out, exactly one more goes through.
    clock.t = 1_000_000 + 60_000;
    expect(limits.take('sync', 1)).toEqual({ allowed: true });
    expect(limits.take('sync', 1)).toEqual({ allowed: false, retryAt: new Date(1_010_000 + 60_000) });
  });

  it("one member's starts never count against another's, nor one action against another", () => {
    const { limits } = limiter();
    for (let i = 0; i < 3; i++) limits.take('sync', 1);
    expect(limits.take('sync', 1).allowed).toBe(false);
    expect(limits.take('sync', 2).allowed).toBe(true);
    expect(limits.take('bankAdd', 1).allowed).toBe(true);
    expect(limits.take('bankAdd', 1).allowed).toBe(false);
    expect(limits.take('bankAdd', 2).allowed).toBe(true);
  });

  it('keeps the defaults for actions not configured, and Infinity turns a limit off', () => {
    const clock = { t: 0 };
    const limits = new MemberRateLimiter(() => clock.t, { sync: { limit: Infinity, windowMs: 60_000 } });
    for (let i = 0; i < 1000; i++) expect(limits.take('sync', 1).allowed).toBe(true);
    for (let i = 0; i < DEFAULT_RATE_LIMITS.bankAdd.limit; i++) expect(limits.take('bankAdd', 1).allowed).toBe(true);
    expect(limits.take('bankAdd', 1).allowed).toBe(false);
  });

  it('forgets members whose window has passed once many are tracked', () => {
    const { clock, limits } = limiter();
    for (let m = 0; m < 1500; m++) limits.take('sync', m);
    clock.t += 60_001;
    limits.take('sync', 99_999);
    expect((limits as unknown as { taken: Map<string, number[]> }).taken.size).toBe(1);
  });

  it('refuses in one line with a Discord timestamp of when the member may go again', () => {
    const { limits } = limiter();
    limits.takeOrRefuse('bankAdd', 7);
    let refusal: unknown;
    try {
      limits.takeOrRefuse('bankAdd', 7);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(RateLimitedError);
    const line = (refusal as RateLimitedError).message;
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toBe('You checked 1 bank in 10 minutes, and banks block bursts; you can use `/bank add` again <t:1600:R>.');
  });
});
