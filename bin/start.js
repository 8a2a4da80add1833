#!/usr/bin/env node
// `npm start`: the Discord bot when DISCORD_TOKEN is set, else the offline demo. Each says which in its first line.
process.argv.splice(2, 0, process.env.DISCORD_TOKEN ? 'bot' : 'demo');
await import('./ofx-mfa.js');
