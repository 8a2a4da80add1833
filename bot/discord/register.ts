/**
 * Registering the command set: one bulk overwrite (`PUT .../commands`), global (so the DM-usable commands exist in
 * DMs) or, with DISCORD_GUILD_ID, in that server only, which takes effect at once.
 */
import { Routes, type REST } from 'discord.js';
import type { CommandDefinition } from './command.ts';

export function commandBodies(definitions: readonly CommandDefinition[], guildScoped: boolean): unknown[] {
  // Contexts and installation types apply to global commands only; a guild command has neither.
  return definitions.map((d) => {
    if (!guildScoped) return d;
    const { contexts: _c, integration_types: _i, ...rest } = d;
    return rest;
  });
}

export async function registerCommands(
  rest: REST,
  appId: string,
  guildId: string | undefined,
  definitions: readonly CommandDefinition[],
): Promise<number> {
  const route = guildId ? Routes.applicationGuildCommands(appId, guildId) : Routes.applicationCommands(appId);
  const saved = (await rest.put(route, { body: commandBodies(definitions, Boolean(guildId)) })) as unknown[];
  return saved.length;
}
