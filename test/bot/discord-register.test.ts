/** `ofx-mfa bot --register`: one bulk overwrite against DISCORD_API_BASE, global or in DISCORD_GUILD_ID, then exit. */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startDiscordSim, type DiscordSim } from '../../sim/discord/index.ts';
import { cli } from './cli-helpers.ts';

let discord: DiscordSim;
beforeEach(async () => {
  discord = await startDiscordSim();
});
afterEach(async () => discord.close());

it('registers globally with the application id from READY', async () => {
  const result = await cli(['bot', '--register'], { env: { DISCORD_TOKEN: discord.token, DISCORD_API_BASE: discord.apiBase, DISCORD_APP_ID: '', DISCORD_GUILD_ID: '' } });
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout.split('\n')[0]).toMatch(/^ofx-mfa bot \(DISCORD_TOKEN is set\)/);
  expect(result.stdout).toMatch(/registered 7 commands \(global\)/);
  const puts = discord.callsTo('PUT /applications/:app/commands');
  expect(puts).toHaveLength(1);
  expect(puts[0]!.path).toContain(discord.applicationId);
  expect(discord.registeredCommands().map((c) => c.name)).toContain('sync');
});

it('registers in one server with DISCORD_GUILD_ID and DISCORD_APP_ID, without logging in', async () => {
  const result = await cli(['bot', '--register'], {
    env: { DISCORD_TOKEN: discord.token, DISCORD_API_BASE: discord.apiBase, DISCORD_APP_ID: discord.applicationId, DISCORD_GUILD_ID: discord.guildId },
  });
  expect(result.code, result.stderr).toBe(0);
  expect(discord.callsTo('PUT /applications/:app/guilds/:guild/commands')).toHaveLength(1);
  expect(discord.callsTo('PUT /applications/:app/commands')).toHaveLength(0);
  expect(discord.registeredCommands(discord.guildId)).toHaveLength(7);
  expect(discord.gateway.identifies).toBe(0);
});

it('without DISCORD_TOKEN says how to get one, in one line', async () => {
  const result = await cli(['bot'], { env: { DISCORD_TOKEN: '' } });
  expect(result.code).toBe(1);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(/DISCORD_TOKEN is not set/);
});
