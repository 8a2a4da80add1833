// The floor under the bot's figures (bench/bot-load.bench.ts): a bare discord.js client with the intents and
// partials the bot uses (bot/discord/bot.ts createClient), logged in to the stand-in at $DISCORD_API_BASE. It
// defers each slash command (ephemeral) and edits the reply to "done", nothing else. Plain JavaScript, so no
// TypeScript loader is counted. Prints "ready" once logged in.
import { Client, Events, GatewayIntentBits, MessageFlags, Partials } from 'discord.js';

const client = new Client({
  intents: [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages],
  partials: [Partials.Channel],
  rest: { api: process.env.DISCORD_API_BASE },
});
client.on(Events.InteractionCreate, async (interaction) => {
  if (!interaction.isChatInputCommand()) return;
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  await interaction.editReply('done');
});
client.once(Events.ClientReady, () => process.stdout.write('ready\n'));
await client.login(process.env.DISCORD_TOKEN);
process.on('SIGTERM', () => void client.destroy().then(() => process.exit(0)));
