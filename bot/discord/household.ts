/**
 * Short summaries of finished syncs in the household channel (`/household channel`): who, which bank, how many new
 * transactions. Balances only for members who opted in (`/household amounts on`); never questions or answers.
 */
import { Routes } from 'discord.js';
import { getGuildSettings, listHouseholdChannels, type Member } from '../../db/index.ts';
import type { SyncReport } from '../sync-service.ts';
import { discordCode } from './errors.ts';
import { accountLabel, maskAccount, money, newTransactionsTotal } from './format.ts';
import type { BotServices } from './services.ts';

export function summaryText(member: Pick<Member, 'displayName' | 'shareAmounts'>, report: SyncReport): string {
  const total = newTransactionsTotal(report);
  const head = `**${member.displayName}** synced **${report.connection}**: ${total} new transaction${total === 1 ? '' : 's'}`;
  if (!member.shareAmounts) return `${head}.`;
  const balances = report.accounts.map((a) => `${accountLabel(a)} ${maskAccount(a.accountId)} ${money(a.ledgerBalance, a.currency)}`);
  return balances.length > 0 ? `${head} (${balances.join(' · ')}).` : `${head}.`;
}

/**
 * The channel of the server the sync was started in; from a DM or a schedule, every configured household channel
 * (one bot serves one household, so that is normally one channel).
 */
export async function postHouseholdSummary(services: BotServices, member: Member, report: SyncReport, guildId: string | null): Promise<void> {
  if (report.outcome !== 'ok') return;
  const { db } = services.app;
  const channels = guildId
    ? [getGuildSettings(db, guildId)?.householdChannelId].filter((c): c is string => !!c)
    : listHouseholdChannels(db).map((c) => c.channelId);
  const content = summaryText(member, report);
  for (const channelId of channels) {
    try {
      await services.client.rest.post(Routes.channelMessages(channelId), { body: { content, allowed_mentions: { parse: [] } } });
      services.log.info({ event: 'household.summary', channelId });
    } catch (error) {
      services.log.warn({ event: 'household.summary-failed', channelId, code: discordCode(error), err: error });
    }
  }
}
