/** Per Discord server settings: the household channel for sync summaries. */
import { eq, isNotNull } from 'drizzle-orm';
import type { Database } from '../connection.ts';
import { guildSettings } from '../schema.ts';
import type { GuildSettingsRow } from '../schema.ts';

export function setHouseholdChannel(db: Database, guildId: string, channelId: string | null): void {
  const updatedAt = new Date().toISOString();
  db.orm
    .insert(guildSettings)
    .values({ guildId, householdChannelId: channelId, updatedAt })
    .onConflictDoUpdate({ target: guildSettings.guildId, set: { householdChannelId: channelId, updatedAt } })
    .run();
}

export function getGuildSettings(db: Database, guildId: string): GuildSettingsRow | null {
  return db.orm.select().from(guildSettings).where(eq(guildSettings.guildId, guildId)).get() ?? null;
}

export function listHouseholdChannels(db: Database): Array<{ guildId: string; channelId: string }> {
  return db.orm
    .select({ guildId: guildSettings.guildId, channelId: guildSettings.householdChannelId })
    .from(guildSettings)
    .where(isNotNull(guildSettings.householdChannelId))
    .all()
    .map((r) => ({ guildId: r.guildId, channelId: r.channelId as string }));
}
