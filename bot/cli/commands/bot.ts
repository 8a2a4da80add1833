/** `ofx-mfa bot [--register]`: runs the Discord bot (DESIGN 4.4). discord.js is imported only here, lazily. */
import type { Command } from 'commander';
import { resolveDbPath } from '../../context.ts';

export function register(program: Command): void {
  program
    .command('bot')
    .description('run the Discord bot (DISCORD_TOKEN; optional DISCORD_APP_ID, DISCORD_GUILD_ID, DISCORD_API_BASE)')
    .option('--register', 'only register the slash commands (one bulk overwrite), then exit')
    .action(async (options: { register?: boolean }, command: Command) => {
      const { readBotEnv, registerOnly, runBot } = await import('../../discord/main.ts');
      const env = readBotEnv();
      process.stdout.write(`ofx-mfa bot (DISCORD_TOKEN is set): ${options.register ? 'registering the commands' : 'connecting'} at ${env.apiBase}\n`);
      if (options.register) {
        const { count, scope } = await registerOnly(env);
        process.stdout.write(`registered ${count} commands (${scope})\n`);
        return;
      }
      const { db } = command.optsWithGlobals<{ db?: string }>();
      await runBot(resolveDbPath(db), env);
    });
}
