#!/usr/bin/env node
// `npm start`: the Discord bot when DISCORD_TOKEN is set, else the offline demo. Each says which in its first line.
import { register } from 'tsx/esm/api';

register();
process.argv.splice(2, 0, process.env.DISCORD_TOKEN ? 'bot' : 'demo');
await import('../bot/cli/main.ts');
