/**
 * Short-lived, in-memory state behind a confirmation button or a form (not challenges: those live in the
 * database). The key that goes into a custom id is random, so it says nothing and cannot be guessed.
 */
import { randomBytes } from 'node:crypto';

export class Pending<T> {
  private readonly items = new Map<string, { value: T; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  put(value: T): string {
    this.sweep();
    const key = randomBytes(12).toString('base64url');
    this.items.set(key, { value, expiresAt: this.now() + this.ttlMs });
    return key;
  }

  get(key: string): T | null {
    const item = this.items.get(key);
    if (!item || item.expiresAt <= this.now()) return null;
    return item.value;
  }

  /** Used once: a second click on the same confirmation does nothing. */
  take(key: string): T | null {
    const value = this.get(key);
    this.items.delete(key);
    return value;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, item] of this.items) if (item.expiresAt <= now) this.items.delete(key);
  }
}
