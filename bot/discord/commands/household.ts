/**
 * `/household channel` (Manage Server): where short summaries of finished syncs go. `/household amounts on|off`:
 * whether the member's own summaries include balances (off by default).
 */
import { ApplicationCommandOptionType, ChannelType, MessageFlags, PermissionFlagsBits } from 'discord.js';
import { setHouseholdChannel, setShareAmounts } from '../../../db/index.ts';
import { defineCommand, GUILD_ONLY } from '../command.ts';
import { MemberError } from '../errors.ts';
import { memberOf } from '../services.ts';

export default defineCommand({
  definition: {
    name: 'household',
    description: 'Household sync summaries in a channel',
    ...GUILD_ONLY,
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'channel',
        description: 'Post short sync summaries in this channel (Manage Server)',
        options: [
          { type: ApplicationCommandOptionType.Channel, name: 'channel', description: 'A text channel (leave out to stop)', channel_types: [ChannelType.GuildText] },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'amounts',
        description: 'Include your balances in your summaries there (default off)',
        options: [
          {
            type: ApplicationCommandOptionType.String,
            name: 'share',
            description: 'on or off',
            required: true,
            choices: [
              { name: 'on', value: 'on' },
              { name: 'off', value: 'off' },
            ],
          },
        ],
      },
    ],
  },
  async handle(interaction, args, services) {
    if (!interaction.guildId) throw new MemberError('Use this in your server, not in a DM.');
    if (args.subcommand === 'channel') {
      // Checked here too: the command's default permission can be changed by the server's admins.
      if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
        throw new MemberError('Only members with Manage Server can choose the household channel.');
      }
      setHouseholdChannel(services.app.db, interaction.guildId, args.channel?.id ?? null);
      await interaction.reply({
        content: args.channel ? `Sync summaries go to <#${args.channel.id}> (member, bank, new transactions; amounts only for those who opted in).` : 'No more sync summaries in a channel.',
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    const member = memberOf(services, interaction.user);
    setShareAmounts(services.app.db, member.id, args.share === 'on');
    await interaction.reply({
      content: args.share === 'on' ? 'Your summaries in the household channel now include balances.' : 'Your summaries in the household channel show no amounts.',
      flags: MessageFlags.Ephemeral,
    });
  },
});
