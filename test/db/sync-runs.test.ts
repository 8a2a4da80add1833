import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SyncAlreadyRunningError } from '../../db/errors.ts';
import { listChallenges, recordChallenge, resolveChallenge } from '../../db/repositories/challenges.ts';
import {
  finishSyncRun,
  getSyncRun,
  heartbeatSyncRun,
  lastSuccessfulSync,
  listSyncRuns,
  startSyncRun,
} from '../../db/repositories/sync-runs.ts';
import { createConnection } from '../../db/repositories/connections.ts';
import { fixture, open, sampleConnection, tempDbPath, testBox } from './helpers.ts';

const childScript = fileURLToPath(new URL('./fixtures/race-child.ts', import.meta.url));
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Starts processes that each wait for "go", then returns their one-line results; all stay alive until then. */
async function race(args: string[][]): Promise<string[]> {
  const children = args.map((a) =>
    // From another working directory, to show the migrations are found next to the code, not in the cwd.
    spawn(process.execPath, ['--import', tsxLoader, childScript, ...a], { cwd: tmpdir(), stdio: 'pipe' }),
  );
  const lineReaders = children.map((child) => createInterface({ input: child.stdout })[Symbol.asyncIterator]());
  const nextLine = async (i: number) => {
    const next = await lineReaders[i]!.next();
    if (next.done) throw new Error(`child ${i} exited early: ${await stderrOf(children[i]!)}`);
    return next.value as string;
  };
  try {
    for (let i = 0; i < children.length; i++) expect(await nextLine(i)).toBe('ready');
    for (const child of children) child.stdin.write('go\n');
    return await Promise.all(children.map((_, i) => nextLine(i)));
  } finally {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.stdin.end();
          }),
      ),
    );
  }
}

async function stderrOf(child: ChildProcessWithoutNullStreams): Promise<string> {
  let text = '';
  for await (const chunk of child.stderr) text += String(chunk);
  return text.slice(0, 2000);
}

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid!;
}

const finished = { challenged: false, newTransactions: 0, accounts: 0 } as const;

describe('startSyncRun: one sync per connection', () => {
  it('of two handles on the same file, the second is refused while the first runs', () => {
    const { db, path, connection } = fixture();
    const other = open(path);
    const runId = startSyncRun(db, connection.id, 'cli');
    let error: unknown;
    try {
      startSyncRun(other, connection.id, 'slash');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SyncAlreadyRunningError);
    expect(error).toMatchObject({ connectionId: connection.id, runningRunId: runId });
    // The refused attempt writes nothing (double clicks and a scheduler would flood the history); after the
    // first finishes, a new run may start.
    expect(listSyncRuns(db, connection.id, 10).map((r) => r.state)).toEqual(['running']);
    finishSyncRun(db, runId, { outcome: 'ok', ...finished });
    expect(startSyncRun(other, connection.id, 'slash')).toBeGreaterThan(runId);
  });

  it('different connections of one database do not block each other, and each still blocks itself', () => {
    // One file, two connections: a lock keyed on the wrong column (the member, or nothing) fails here.
    const { db, member, connection } = fixture();
    const second = createConnection(db, testBox, { ...sampleConnection, memberId: member.id, name: 'second' });
    const first = startSyncRun(db, connection.id, 'cli');
    const other = startSyncRun(db, second.id, 'cli');
    expect(other).not.toBe(first);
    expect(getSyncRun(db, other)).toMatchObject({ connectionId: second.id, state: 'running' });
    expect(() => startSyncRun(db, connection.id, 'cli')).toThrow(SyncAlreadyRunningError);
    expect(() => startSyncRun(db, second.id, 'cli')).toThrow(SyncAlreadyRunningError);
  });

  it('of several processes starting at the same moment, exactly one wins', async () => {
    const { db, path, connection } = fixture();
    const results = await race(Array.from({ length: 4 }, () => ['start', path, String(connection.id)]));
    const winners = results.filter((r) => r.startsWith('won '));
    expect(results.filter((r) => r !== 'refused' && !r.startsWith('won '))).toEqual([]);
    expect(winners).toHaveLength(1);
    const runs = listSyncRuns(db, connection.id, 10);
    expect(runs.filter((r) => r.state === 'running').map((r) => `won ${r.id}`)).toEqual(winners);
    expect(runs).toHaveLength(1);
  });

  it('several processes opening a fresh file at once all get a migrated database', async () => {
    const path = tempDbPath();
    const results = await race(Array.from({ length: 8 }, () => ['open', path]));
    expect(results).toEqual(Array(8).fill('opened'));
    const db = open(path);
    const journal = JSON.parse(readFileSync(new URL('../../migrations/meta/_journal.json', import.meta.url), 'utf8')) as { entries: unknown[] };
    expect(db.sqlite.prepare('select count(*) from __drizzle_migrations').pluck().get()).toBe(journal.entries.length);
  });

  it('a running row whose process is dead is marked crashed and the new run proceeds', () => {
    const { db, connection } = fixture();
    const orphan = startSyncRun(db, connection.id, 'cli', { pid: deadPid() });
    const runId = startSyncRun(db, connection.id, 'cli');
    expect(runId).not.toBe(orphan);
    expect(getSyncRun(db, orphan)).toMatchObject({ state: 'crashed', finishedAt: expect.stringMatching(/Z$/) });
    expect(getSyncRun(db, orphan)?.message).toMatch(/stopped before finishing/);
    expect(getSyncRun(db, runId)?.state).toBe('running');
  });

  it('an earlier process that had our pid (a restarted container) counts as dead', () => {
    const { db, connection } = fixture();
    const earlier = startSyncRun(db, connection.id, 'schedule', { instance: 'previous-boot' });
    startSyncRun(db, connection.id, 'schedule');
    expect(getSyncRun(db, earlier)?.state).toBe('crashed');
  });

  it('on another host only the heartbeat decides: recent blocks, quiet for 15 minutes is stale', () => {
    const { db, connection } = fixture();
    const now = Date.now();
    const remote = startSyncRun(db, connection.id, 'slash', { host: 'elsewhere', pid: 1, now: new Date(now - 60_000) });
    expect(() => startSyncRun(db, connection.id, 'cli', { now: new Date(now) })).toThrow(SyncAlreadyRunningError);

    expect(heartbeatSyncRun(db, remote, new Date(now - 16 * 60_000))).toBe(true);
    const runId = startSyncRun(db, connection.id, 'cli', { now: new Date(now) });
    expect(getSyncRun(db, remote)?.state).toBe('crashed');
    expect(getSyncRun(db, runId)?.state).toBe('running');
  });

  it('the database itself refuses a second running row for a connection', () => {
    const { db, connection } = fixture();
    startSyncRun(db, connection.id, 'cli');
    expect(() =>
      db.sqlite
        .prepare(`insert into sync_runs (connection_id, triggered_by, state) values (?, 'cli', 'running')`)
        .run(connection.id),
    ).toThrow(/UNIQUE/);
  });
});

describe('finishing and reading runs', () => {
  it('finishSyncRun records the outcome; heartbeats stop counting after it', () => {
    const { db, connection } = fixture();
    const runId = startSyncRun(db, connection.id, 'cli');
    expect(heartbeatSyncRun(db, runId)).toBe(true);
    const row = finishSyncRun(db, runId, {
      outcome: 'answers-rejected',
      statusCode: 3001,
      message: 'the bank rejected\nthe answers',
      challenged: true,
      newTransactions: 0,
      accounts: 0,
    });
    expect(row).toMatchObject({
      state: 'answers-rejected',
      statusCode: 3001,
      message: 'the bank rejected the answers',
      challenged: true,
      finishedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
    expect(heartbeatSyncRun(db, runId)).toBe(false);
  });

  it('lastSuccessfulSync is the latest ok run; listSyncRuns is newest first with a limit', () => {
    const { db, connection } = fixture();
    expect(lastSuccessfulSync(db, connection.id)).toBeNull();
    const times = ['2026-10-01T10:00:00.000Z', '2026-10-02T10:00:00.000Z', '2026-10-03T10:00:00.000Z'];
    const outcomes = ['ok', 'ok', 'error'] as const;
    const ids = times.map((t, i) => {
      const id = startSyncRun(db, connection.id, 'schedule', { now: new Date(t), staleAfterMs: Number.MAX_SAFE_INTEGER });
      finishSyncRun(db, id, { outcome: outcomes[i]!, ...finished, newTransactions: i, accounts: 1 }, new Date(t));
      return id;
    });
    expect(lastSuccessfulSync(db, connection.id)).toMatchObject({ id: ids[1], startedAt: times[1], newTransactions: 1 });
    expect(listSyncRuns(db, connection.id, 2).map((r) => r.id)).toEqual([ids[2], ids[1]]);
  });
});

describe('challenges', () => {
  it('records the questions (never answers), marks the run challenged, and resolves', () => {
    const { db, connection } = fixture();
    const runId = startSyncRun(db, connection.id, 'slash');
    const questions = [
      { id: 'MFA16', label: null },
      { id: 'BANK-PIN', label: 'Your card PIN?', answer: 'must-not-be-stored' },
    ];
    const id = recordChallenge(db, runId, questions);
    expect(getSyncRun(db, runId)?.challenged).toBe(true);
    resolveChallenge(db, id, 'accepted');
    const [row] = listChallenges(db, runId);
    expect(row).toMatchObject({
      id,
      questions: [
        { id: 'MFA16', label: null },
        { id: 'BANK-PIN', label: 'Your card PIN?' },
      ],
      outcome: 'accepted',
      resolvedAt: expect.stringMatching(/Z$/),
    });
    const raw = db.sqlite.prepare('select questions from challenges').pluck().get() as string;
    expect(raw).not.toContain('must-not-be-stored');
  });
});
