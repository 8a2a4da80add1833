/**
 * `/schedule [bank] [every] [dms]`: scheduled syncs of the member's connections. `every: off` removes one;
 * `dms: off` stops the DMs a scheduled sync sends: when the bank asks questions (such a sync then stops as
 * answers-needed) and when a schedule starts failing; the next /sync says either. With no option it lists the
 * member's schedules.
 */
import { ApplicationCommandOptionType, MessageFlags } from 'discord.js';
import { getConnection, listMemberSchedules, removeSchedule, setSchedule, setScheduleDms } from '../../../db/index.ts';
import { nextScheduledRun } from '../../schedules.ts';
import { ownConnectionChoices } from '../choices.ts';
import { defineCommand, EVERYWHERE } from '../command.ts';
import { MemberError } from '../errors.ts';
import { memberOf } from '../services.ts';

const ts = (iso: string) => `<t:${Math.floor(new Date(iso).getTime() / 1000)}:f>`;

export default defineCommand({
  definition: {
    name: 'schedule',
    description: 'Sync a bank on its own every 6h, 12h or daily',
    ...EVERYWHERE,
    options: [
      { type: ApplicationCommandOptionType.String, name: 'bank', description: 'One of your connections', autocomplete: true },
      {
        type: ApplicationCommandOptionType.String,
        name: 'every',
        description: 'How often (off removes the schedule)',
        choices: [
          { name: 'off', value: 'off' },
          { name: 'every 6 hours', value: '6h' },
          { name: 'every 12 hours', value: '12h' },
          { name: 'daily', value: 'daily' },
        ],
      },
      {
        type: ApplicationCommandOptionType.String,
        name: 'dms',
        description: 'DM me when a scheduled sync needs answers or starts failing (default on)',
        choices: [
          { name: 'on', value: 'on' },
          { name: 'off', value: 'off' },
        ],
      },
    ],
  },
  async handle(interaction, args, services) {
    const { db } = services.app;
    const member = memberOf(services, interaction.user);
    const lines: string[] = [];
    if (args.dms) {
      setScheduleDms(db, member.id, args.dms === 'on');
      lines.push(args.dms === 'on'
        ? 'Scheduled syncs will DM you when the bank asks security questions or a schedule starts failing.'
        : 'Scheduled syncs will not DM you; one that needs answers stops, and your next `/sync` says so, as it says a failing schedule.');
    }
    if (args.every) {
      if (!args.bank) throw new MemberError('Say which connection with `bank`.');
      const row = getConnection(db, member.id, args.bank);
      if (!row) throw new MemberError(`You have no connection named "${args.bank}" (see /bank list).`);
      if (args.every === 'off') {
        lines.push(removeSchedule(db, row.id) ? `**${row.name}** is no longer synced on a schedule.` : `**${row.name}** had no schedule.`);
      } else {
        const saved = setSchedule(db, row.id, args.every, nextScheduledRun(row.id, args.every, services.now()));
        lines.push(`**${row.name}** syncs ${args.every === 'daily' ? 'daily' : `every ${args.every}`}; next run ${ts(saved.nextRunAt)}.`);
      }
    } else if (args.bank) {
      throw new MemberError('Say how often with `every` (off, 6h, 12h, daily).');
    }
    if (lines.length === 0) {
      const schedules = listMemberSchedules(db, member.id);
      lines.push(
        ...(schedules.length > 0
          ? schedules.map((s) => `**${s.connectionName}**: every ${s.every} · next ${ts(s.nextRunAt)}${s.lastOutcome ? ` · last ${s.lastOutcome}` : ''}`)
          : ['No scheduled syncs; add one with `/schedule bank:NAME every:daily`.']),
        `Schedule DMs are ${member.scheduleDms ? 'on' : 'off'} (\`/schedule dms:on|off\`).`,
      );
    }
    await interaction.reply({ content: lines.join('\n'), flags: MessageFlags.Ephemeral });
  },
  async autocomplete(interaction, focused, services) {
    return ownConnectionChoices(services, interaction.user, focused.value);
  },
});
