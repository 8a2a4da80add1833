/**
 * An ephemeral, deferred reply that a long task edits as it moves. Edits are coalesced to at most one a second
 * (the latest text wins; the final one waits out the interval rather than break it), and once the 15-minute interaction token is near its end the reply says no more: the
 * caller reports by DM instead (`alive()`).
 */
import type { ActionRowBuilder, ButtonBuilder, RepliableInteraction } from 'discord.js';
import { discordCode } from './errors.ts';
import type { Logger } from './logger.ts';

export const EDIT_INTERVAL_MS = 1000;
/** Discord's token lives 15 minutes; stop a minute early so an edit in flight does not race the expiry. */
export const TOKEN_LIFETIME_MS = 14 * 60_000;

export interface ReplyContent {
  content: string;
  components?: ActionRowBuilder<ButtonBuilder>[];
}

export class LiveReply {
  private readonly createdAt: number;
  private pending: ReplyContent | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastEditAt = 0;
  private chain: Promise<void> = Promise.resolve();
  private dead = false;

  constructor(
    private readonly interaction: RepliableInteraction,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
    /** For tests of a sync outliving its token. */
    private readonly tokenLifetimeMs: number = TOKEN_LIFETIME_MS,
  ) {
    this.createdAt = interaction.createdTimestamp;
  }

  /** False once the token is (nearly) spent or Discord said it is gone. */
  alive(): boolean {
    return !this.dead && this.now() - this.createdAt < this.tokenLifetimeMs;
  }

  /** A progress edit: coalesced, at most one a second. */
  update(content: ReplyContent): void {
    this.pending = content;
    if (this.timer) return;
    const wait = Math.max(0, this.lastEditAt + EDIT_INTERVAL_MS - this.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      const next = this.pending;
      this.pending = null;
      if (next) void this.send(next);
    }, wait);
    this.timer.unref();
  }

  /** The last word: replaces anything still waiting, sent now; false when the token could not carry it. */
  async finish(content: ReplyContent): Promise<boolean> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = null;
    return this.send(content);
  }

  private send(content: ReplyContent): Promise<boolean> {
    const result = this.chain.then(async () => {
      // The last word too keeps to one edit a second: it waits out the rest of the interval.
      const wait = this.lastEditAt + EDIT_INTERVAL_MS - this.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (!this.alive()) return false;
      try {
        this.lastEditAt = this.now();
        await this.interaction.editReply({ content: content.content, components: content.components ?? [] });
        return true;
      } catch (error) {
        const code = discordCode(error);
        // 10062 / 50027: the token is gone; whatever follows goes by DM.
        if (code === 10062 || code === 50027 || code === 10015) this.dead = true;
        this.log.warn({ event: 'reply.edit-failed', code, interactionId: this.interaction.id, err: error });
        return false;
      }
    });
    this.chain = result.then(() => undefined);
    return result;
  }
}
