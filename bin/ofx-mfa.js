#!/usr/bin/env node
// The command line is TypeScript run through tsx, so no build step or generated files are needed.
import { register } from 'tsx/esm/api';

register();
await import('../bot/cli/main.ts');
