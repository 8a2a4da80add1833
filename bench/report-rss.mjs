// Loaded with `node --import` by bench/startup.bench.ts: writes this process's peak resident set size (KiB, from
// getrusage) to $BENCH_RSS_FILE as it exits, so the benchmark needs no platform tool to read a child's peak.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
