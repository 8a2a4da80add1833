/** `/transactions bank [account] [days]`: the latest stored transactions in an embed, a CSV file when they do not fit. */
import { ApplicationCommandOptionType, AttachmentBuilder, EmbedBuilder, MessageFlags } from 'discord.js';
import { stringify } from 'csv-stringify/sync';
import { getConnection, listAccounts, listTransactions } from '../../../db/index.ts';
import { ownConnectionChoices } from '../choices.ts';
import { defineCommand, EVERYWHERE } from '../command.ts';
import { MemberError } from '../errors.ts';
import { maskAccount } from '../format.ts';
import { memberOf } from '../services.ts';

const DAY_MS = 86_400_000;
/** An embed description holds 4096 characters; stop well before and attach the whole list as CSV. */
const EMBED_LINES_MAX = 25;

export default defineCommand({
  definition: {
    name: 'transactions',
    description: 'Your recent transactions',
    ...EVERYWHERE,
    options: [
      { type: ApplicationCommandOptionType.String, name: 'bank', description: 'One of your connections', required: true, autocomplete: true },
      { type: ApplicationCommandOptionType.String, name: 'account', description: 'One account of it (default: all)', autocomplete: true },
      { type: ApplicationCommandOptionType.Integer, name: 'days', description: 'How many days back (default 30)', min_value: 1, max_value: 3660 },
    ],
  },
  async handle(interaction, args, services) {
    const { db } = services.app;
    const member = memberOf(services, interaction.user);
    const row = getConnection(db, member.id, args.bank);
    if (!row) throw new MemberError(`You have no connection named "${args.bank}" (see /bank list).`);
    const days = args.days ?? 30;
    const since = new Date(services.now().getTime() - days * DAY_MS);
    const all = listTransactions(db, row.id, { since }).filter((t) => !args.account || t.accountId === args.account);
    const latest = [...all].reverse();
    const embed = new EmbedBuilder()
      .setTitle(`${row.name}: ${all.length} transaction${all.length === 1 ? '' : 's'} in ${days} days${args.account ? ` (${maskAccount(args.account)})` : ''}`)
      .setDescription(
        latest.length === 0
          ? 'None stored; run /sync first.'
          : latest.slice(0, EMBED_LINES_MAX).map((t) => `\`${t.posted.slice(0, 10)}\` ${maskAccount(t.accountId)} **${t.amount}** ${(t.name ?? '').slice(0, 60)}`).join('\n'),
      );
    const files = [];
    if (latest.length > EMBED_LINES_MAX) {
      embed.setFooter({ text: `The newest ${EMBED_LINES_MAX}; all ${all.length} are in the attached CSV.` });
      const csv = stringify(all, { header: true, columns: ['accountId', 'fitid', 'posted', 'amount', 'type', 'name', 'memo'] });
      files.push(new AttachmentBuilder(Buffer.from(csv, 'utf8'), { name: `${row.name}-transactions.csv` }));
    }
    await interaction.reply({ embeds: [embed], files, flags: MessageFlags.Ephemeral });
  },
  async autocomplete(interaction, focused, services) {
    if (focused.name !== 'account') return ownConnectionChoices(services, interaction.user, focused.value);
    const member = memberOf(services, interaction.user);
    const bank = interaction.options.getString('bank');
    const row = bank ? getConnection(services.app.db, member.id, bank) : null;
    if (!row) return [];
    return listAccounts(services.app.db, row.id)
      .filter((a) => a.accountId.includes(focused.value))
      .map((a) => ({ name: `${a.accountType ?? a.kind} ${maskAccount(a.accountId)}`, value: a.accountId }));
  },
});
