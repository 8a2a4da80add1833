/** `/accounts [bank]`: balances, access key age and last sync of the member's own connections, as an embed. */
import { ApplicationCommandOptionType, EmbedBuilder, MessageFlags } from 'discord.js';
import { getConnection, listAccounts, listConnections, liveKeyInfo } from '../../../db/index.ts';
import { ownConnectionChoices } from '../choices.ts';
import { defineCommand, EVERYWHERE } from '../command.ts';
import { MemberError } from '../errors.ts';
import { accountLabel, maskAccount, money } from '../format.ts';
import { memberOf } from '../services.ts';

const DAY_MS = 86_400_000;
const FIELDS_MAX = 25;

function age(iso: string, now: Date): string {
  const days = Math.floor((now.getTime() - new Date(iso).getTime()) / DAY_MS);
  return days <= 0 ? 'today' : `${days} day${days === 1 ? '' : 's'} old`;
}

export default defineCommand({
  definition: {
    name: 'accounts',
    description: 'Your balances, access key age and last sync',
    ...EVERYWHERE,
    options: [{ type: ApplicationCommandOptionType.String, name: 'bank', description: 'One of your connections (default: all)', autocomplete: true }],
  },
  async handle(interaction, args, services) {
    const { db } = services.app;
    const member = memberOf(services, interaction.user);
    let connections = listConnections(db, member.id);
    if (args.bank) {
      connections = connections.filter((c) => c.name === args.bank);
      if (connections.length === 0 || !getConnection(db, member.id, args.bank)) throw new MemberError(`You have no connection named "${args.bank}" (see /bank list).`);
    }
    if (connections.length === 0) throw new MemberError('You have no bank connections yet; add one with `/bank add`.');
    const now = services.now();
    const embed = new EmbedBuilder().setTitle('Your accounts');
    const fields = [];
    for (const c of connections) {
      const key = liveKeyInfo(db, c.id);
      const head = `key ${key ? age(key.receivedAt, now) : 'none'} · last sync ${c.lastSyncedAt ? c.lastSyncedAt.slice(0, 16).replace('T', ' ') + ' UTC' : 'never'}`;
      const accounts = listAccounts(db, c.id);
      const body = accounts.length > 0
        ? accounts.map((a) => `${accountLabel(a)} ${maskAccount(a.accountId)}: ${money(a.ledgerBalance, a.currency)}${a.ledgerBalanceAsOf ? ` (as of ${a.ledgerBalanceAsOf.slice(0, 10)})` : ''}`).join('\n')
        : 'no accounts yet: run /sync';
      fields.push({ name: c.name, value: `${head}\n${body}`.slice(0, 1024) });
    }
    embed.addFields(fields.slice(0, FIELDS_MAX));
    await interaction.reply({ embeds: [embed], flags: MessageFlags.Ephemeral });
  },
  async autocomplete(interaction, focused, services) {
    return ownConnectionChoices(services, interaction.user, focused.value);
  },
});
