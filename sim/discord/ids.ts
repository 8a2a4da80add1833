/**
 * Snowflakes as Discord makes them: milliseconds since the Discord epoch in the top bits, so discord.js's
 * `createdTimestamp` of a message or interaction reads the simulated clock, not the wall clock.
 */
const DISCORD_EPOCH = 1_420_070_400_000n;

export class Snowflakes {
  private increment = 0n;
  private last = 0n;

  constructor(private readonly now: () => number) {}

  next(): string {
    const ms = BigInt(Math.max(0, Math.floor(this.now()))) - DISCORD_EPOCH;
    // Monotonic even when the test clock stands still or goes back: ids must stay unique and ordered.
    let id = ((ms < 0n ? 0n : ms) << 22n) | (this.increment++ & 0xfffn);
    if (id <= this.last) id = this.last + 1n;
    this.last = id;
    return id.toString();
  }
}

/** An interaction token: opaque, long, URL-safe, like Discord's (which are ~170 characters of base64url). */
export function interactionToken(id: string, random: string): string {
  return Buffer.from(`interaction:${id}:${random}`).toString('base64url');
}
