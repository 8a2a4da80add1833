/**
 * `ofx-mfa demo`: the offline demo. The simulated bank, the Discord stand-in and the real bot run in this process
 * and a household member is played for you (bot/discord/demo.ts): /bank add, /sync challenged in a DM, a second
 * /sync on the stored key, the bank revoking it, a third /sync challenged again. On a terminal you type the
 * answers; otherwise a scripted member does. It keeps to its own database unless --db names one.
 */
import type { Command } from 'commander';
import { demoDbPath, resolveDbPath } from '../../context.ts';

export function register(program: Command): void {
  program
    .command('demo')
    .description('run the offline demo: simulated bank + Discord stand-in + the real bot, one member played for you')
    .action(async (_options: unknown, command: Command) => {
      const out = (line: string) => process.stdout.write(`${line}\n`);
      out('ofx-mfa offline demo (no DISCORD_TOKEN set): the simulated bank, a Discord stand-in and the real bot, all on this machine');
      // discord.js and the simulators load only here, so other commands stay quick.
      const { runDemo } = await import('../../discord/demo.ts');
      const { db } = command.optsWithGlobals<{ db?: string }>();
      // Not $OFX_MFA_DB: the demo must not add its simulated connection to a real database unless asked with --db.
      await runDemo({ dbPath: db ? resolveDbPath(db, {}) : demoDbPath(), out, interactive: process.stdin.isTTY === true });
    });
}
