// Loaded with `node --expose-gc --import` into the bot and the bare discord.js client by bench/bot-load.bench.ts:
// on SIGUSR2 the process runs a full garbage collection and writes its heap figures (bytes, JSON) to
// $BENCH_MEM_FILE, so both are measured after the same forced GC and the benchmark can tell heap growth from
// RSS the allocator merely keeps. Nothing else in the process changes.
// (The GC runs first, so a snapshot taken here does not move the figures.)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';

const file = process.env.BENCH_MEM_FILE;
if (file && typeof globalThis.gc === 'function') {
  process.on('SIGUSR2', () => {
    globalThis.gc();
    const { heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
    // Committed bytes per V8 space: a young generation grown under load stays committed after the GC.
    const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size]));
    // BENCH_HEAPSNAPSHOT_DIR: a heap snapshot at each reading too, to see what the heap holds.
    const dir = process.env.BENCH_HEAPSNAPSHOT_DIR;
    if (dir) writeHeapSnapshot(join(dir, `${process.pid}-${Date.now()}.heapsnapshot`));
    writeFileSync(file, JSON.stringify({ heapUsed, heapTotal, external, arrayBuffers, spaces }));
  });
}
