// The floor under the bot's resident memory (bench/bot-load.bench.ts): a bare discord.js client with the intents
// and partials the bot uses (bot/discord/bot.ts createClient), logged in to the stand-in at $DISCORD_API_BASE
// and left idle. Plain JavaScript, so no TypeScript loader is counted. Prints "ready" once logged in.
import { Client, Events, GatewayIntentBits, Partials } from 'discord.js';

const client = new Client({
  intents: [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages],
  partials: [Partials.Channel],
  rest: { api: process.env.DISCORD_API_BASE },
});
client.once(Events.ClientReady, () => process.stdout.write('ready\n'));
await client.login(process.env.DISCORD_TOKEN);
process.on('SIGTERM', () => void client.destroy().then(() => process.exit(0)));
