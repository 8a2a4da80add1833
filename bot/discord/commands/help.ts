/** `/help`: what the bot does and which commands there are, ephemeral. */
import { MessageFlags } from 'discord.js';
import { defineCommand, EVERYWHERE } from '../command.ts';

export const HELP_TEXT = [
  '**ofx-mfa** pulls your bank data over OFX and relays the bank\'s security questions to you by direct message.',
  '',
  '`/bank add name [bank] [url org fid version]`: link a bank; your user ID and password go in a private form, encrypted at rest.',
  '`/bank list` · `/bank remove name` · `/bank forget-key name`: your connections (nobody else sees or touches them).',
  '`/sync [bank]`: sync now. If the bank asks security questions you get a DM with an **Answer** button; answers are sent to the bank once and never stored.',
  '`/accounts [bank]` · `/transactions bank [account] [days]`: balances, key age, recent transactions.',
  '`/schedule bank every:6h|12h|daily|off` syncs on its own. `/schedule dms:off` stops the DMs a scheduled sync sends when the bank asks questions; such a sync then stops and your next `/sync` says so.',
  '`/household channel` (Manage Server) picks a channel for short sync summaries; `/household amounts on|off` chooses whether yours include amounts (off by default).',
  '',
  'Wrong answers are never resent on their own: banks lock accounts. You get a **Try again** button instead.',
].join('\n');

export default defineCommand({
  definition: { name: 'help', description: 'What this bot does and how to use it', ...EVERYWHERE },
  async handle(interaction) {
    await interaction.reply({ content: HELP_TEXT, flags: MessageFlags.Ephemeral });
  },
});
