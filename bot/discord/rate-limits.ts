/**
 * Per-member limits on the actions that reach a bank from Discord (`/sync` with its Try again, and `/bank add`,
 * which reads the bank's profile): a member firing them in a loop would get the household's address blocked by
 * banks that refuse bursts. A sliding window per member and action, in memory (a restart forgets it, which only
 * ever lets a few more through) and on an injected clock, so tests step time instead of waiting.
 *
 * Not rate-limiter-flexible: its memory limiter is a fixed window on whole seconds, read from the real clock, and
 * async; this is the whole job in a few lines.
 */
import { MemberError } from './errors.ts';

export interface RateRule {
  /** How many may start within the window; Infinity turns the limit off (benchmarks). */
  limit: number;
  windowMs: number;
}

export interface RateLimits {
  /** `/sync` and Try again, counted together: each starts syncs. */
  sync: RateRule;
  /** `/bank add` up to its profile request; the form and modal after it send nothing new to the bank. */
  bankAdd: RateRule;
}

export type RateLimitedAction = keyof RateLimits;

const MINUTE_MS = 60_000;

/**
 * A household syncs a few banks one by one, maybe presses Try again once or twice: 5 in 10 minutes covers that,
 * while a loop reaches the bank at most 30 times an hour instead of once a second. Adding a bank can take a few
 * tries to get url/org/fid right, each one profile request: 4 in 10 minutes.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  sync: { limit: 5, windowMs: 10 * MINUTE_MS },
  bankAdd: { limit: 4, windowMs: 10 * MINUTE_MS },
};

export type Verdict = { allowed: true } | { allowed: false; retryAt: Date };

/** Above this many keys, a take also drops the keys whose window has passed (members who went away). */
const SWEEP_AT = 1000;

export class MemberRateLimiter {
  private readonly rules: RateLimits;
  /** `action:member` → start times within the window, oldest first. */
  private readonly taken = new Map<string, number[]>();

  constructor(
    private readonly now: () => number,
    rules: Partial<RateLimits> = {},
  ) {
    this.rules = { ...DEFAULT_RATE_LIMITS, ...rules };
  }

  /** Counts one start, or throws the member's refusal (the router logs it once and answers in one line). */
  takeOrRefuse(action: RateLimitedAction, memberId: number): void {
    const verdict = this.take(action, memberId);
    if (!verdict.allowed) throw new RateLimitedError(action, verdict.retryAt, this.rules[action]);
  }

  /** Counts one start when the member is under the limit; otherwise says when the oldest start leaves the window. */
  take(action: RateLimitedAction, memberId: number): Verdict {
    const { limit, windowMs } = this.rules[action];
    if (limit === Infinity) return { allowed: true };
    const t = this.now();
    if (this.taken.size > SWEEP_AT) this.sweep(t);
    const key = `${action}:${memberId}`;
    const recent = (this.taken.get(key) ?? []).filter((at) => at > t - windowMs);
    if (recent.length >= limit) {
      this.taken.set(key, recent);
      return { allowed: false, retryAt: new Date(recent[0]! + windowMs) };
    }
    recent.push(t);
    this.taken.set(key, recent);
    return { allowed: true };
  }

  private sweep(t: number): void {
    for (const [key, times] of this.taken) {
      const windowMs = this.rules[key.slice(0, key.indexOf(':')) as RateLimitedAction].windowMs;
      if (times.every((at) => at <= t - windowMs)) this.taken.delete(key);
    }
  }
}

const WHAT: Record<RateLimitedAction, { did: string; again: string }> = {
  sync: { did: 'started', again: '`/sync`' },
  bankAdd: { did: 'checked', again: '`/bank add`' },
};

/** The member's refusal: one line with a Discord timestamp that counts down to when they may go again. */
export class RateLimitedError extends MemberError {
  override name = 'RateLimitedError';
  constructor(
    readonly action: RateLimitedAction,
    readonly retryAt: Date,
    rule: RateRule,
  ) {
    const noun = action === 'sync' ? `sync${rule.limit === 1 ? '' : 's'}` : `bank${rule.limit === 1 ? '' : 's'}`;
    super(
      `You ${WHAT[action].did} ${rule.limit} ${noun} in ${spell(rule.windowMs)}, and banks block bursts; ` +
        `you can use ${WHAT[action].again} again <t:${Math.ceil(retryAt.getTime() / 1000)}:R>.`,
    );
  }
}

function spell(ms: number): string {
  if (ms < MINUTE_MS) return `${Math.round(ms / 1000)} seconds`;
  const minutes = Math.round(ms / MINUTE_MS);
  return minutes === 1 ? 'a minute' : `${minutes} minutes`;
}
