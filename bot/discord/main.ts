/**
 * `ofx-mfa bot [--register]`, loaded only when that command runs (discord.js is large; the other commands stay
 * quick). Environment per DESIGN 4.4: DISCORD_TOKEN, DISCORD_APP_ID, DISCORD_GUILD_ID, DISCORD_API_BASE.
 */
import { Events } from 'discord.js';
import { openApp } from '../context.ts';
import { createClient, DEFAULT_API_BASE, startBot } from './bot.ts';
import { COMMANDS } from './commands/index.ts';
import { createLogger } from './logger.ts';
import { registerCommands } from './register.ts';

export interface BotEnv {
  token: string;
  appId?: string;
  guildId?: string;
  apiBase: string;
}

export function readBotEnv(env: NodeJS.ProcessEnv = process.env): BotEnv {
  const token = env.DISCORD_TOKEN?.trim();
  if (!token) throw new Error('DISCORD_TOKEN is not set: create a bot at https://discord.com/developers/applications (see README)');
  return {
    token,
    appId: env.DISCORD_APP_ID?.trim() || undefined,
    guildId: env.DISCORD_GUILD_ID?.trim() || undefined,
    apiBase: env.DISCORD_API_BASE?.trim() || DEFAULT_API_BASE,
  };
}

/** `--register`: the one bulk overwrite, then exit. The application id comes from READY when not given. */
export async function registerOnly(env: BotEnv): Promise<{ count: number; scope: string }> {
  const client = createClient(env.apiBase);
  try {
    let appId = env.appId;
    if (!appId) {
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(env.token);
      await ready;
      appId = client.application?.id;
      if (!appId) throw new Error('READY carried no application id; set DISCORD_APP_ID');
    } else {
      client.rest.setToken(env.token);
    }
    const count = await registerCommands(client.rest, appId, env.guildId, COMMANDS.map((c) => c.definition));
    return { count, scope: env.guildId ? `server ${env.guildId}` : 'global' };
  } finally {
    await client.destroy();
  }
}

/** Runs until SIGINT/SIGTERM, then stops taking interactions, expires waiting challenges and closes the database. */
export async function runBot(dbPath: string, env: BotEnv): Promise<void> {
  const log = createLogger();
  const app = openApp(dbPath);
  let bot;
  try {
    bot = await startBot({ app, token: env.token, appId: env.appId, guildId: env.guildId, apiBase: env.apiBase, log });
  } catch (error) {
    app.db.close();
    throw error;
  }
  process.stderr.write(`ofx-mfa bot: logged in as ${bot.client.user?.tag ?? '?'}; commands registered ${env.guildId ? `in server ${env.guildId}` : 'globally'}. Ctrl+C stops it.\n`);
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      log.info({ event: 'bot.signal', signal });
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  try {
    await bot.stop();
  } finally {
    app.db.close();
  }
}
