/** `/sync [bank]`: sync one connection of the member's, or all of them; deferred at once, edited as it moves. */
import { ApplicationCommandOptionType } from 'discord.js';
import { ownConnectionChoices } from '../choices.ts';
import { defineCommand, EVERYWHERE } from '../command.ts';
import { memberOf } from '../services.ts';

export default defineCommand({
  definition: {
    name: 'sync',
    description: 'Sync your bank now (the bank may ask security questions by DM)',
    ...EVERYWHERE,
    options: [{ type: ApplicationCommandOptionType.String, name: 'bank', description: 'One of your connections (default: all)', autocomplete: true }],
  },
  async handle(interaction, args, services) {
    await services.syncs.fromInteraction(interaction, memberOf(services, interaction.user), args.bank ?? null, 'slash');
  },
  async autocomplete(interaction, focused, services) {
    return ownConnectionChoices(services, interaction.user, focused.value);
  },
});
