/** The command line's challengers: prompts on a terminal without echo, answers files, unattended runs. */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { answersFileChallenger, readAnswersFile, TerminalChallenger, UnattendedChallenger } from '../../bot/cli/challengers.ts';
import type { ChallengeContext, ChallengeQuestion } from '../../core/sync/types.ts';

const QUESTIONS: ChallengeQuestion[] = [
  { id: 'MFA16', prompt: "Mother's maiden name" },
  { id: 'SIMQ1', prompt: 'Name of your first pet?' },
];

function context(timeoutMs = 60_000): ChallengeContext {
  return { connectionId: '1', connectionName: 'home', timeoutMs, signal: new AbortController().signal, asked: QUESTIONS.map((q) => ({ id: q.id, label: q.prompt })) };
}

/** A pseudo-terminal pair: what the person types, and what the screen shows. */
function terminal() {
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input }) as unknown as NodeJS.ReadStream;
  const output = Object.assign(new PassThrough(), { isTTY: true, columns: 80 }) as unknown as NodeJS.WriteStream;
  let screen = '';
  output.on('data', (d: Buffer) => (screen += d.toString()));
  return { input, output, screen: () => screen };
}

describe('TerminalChallenger', () => {
  it('asks each question by its label and never echoes the answer', async () => {
    const tty = terminal();
    const asking = new TerminalChallenger(tty.input, tty.output).ask(QUESTIONS, context());
    const typeWhenAsked = async (label: string, answer: string) => {
      for (let i = 0; i < 1000 && !tty.screen().includes(label); i++) await new Promise((r) => setTimeout(r, 5));
      tty.input.write(`${answer}\n`);
    };
    await typeWhenAsked("Mother's maiden name", 'Smith');
    await typeWhenAsked('Name of your first pet?', 'Rex');
    const outcome = await asking;
    expect(outcome.kind).toBe('answered');
    expect(outcome.kind === 'answered' && Object.fromEntries(outcome.answers)).toEqual({ MFA16: 'Smith', SIMQ1: 'Rex' });
    expect(tty.screen()).toContain('Name of your first pet?');
    expect(tty.screen()).not.toContain('Smith');
    expect(tty.screen()).not.toContain('Rex');
  });

  it('times out when nobody answers', async () => {
    const tty = terminal();
    const outcome = await new TerminalChallenger(tty.input, tty.output).ask(QUESTIONS, context(50));
    expect(outcome.kind).toBe('timeout');
  });
});

describe('answers file', () => {
  it('answers from the file, and says which questions it lacks without echoing any answer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ofx-mfa-answers-'));
    try {
      const full = join(dir, 'full.json');
      writeFileSync(full, JSON.stringify({ MFA16: 'Smith', SIMQ1: 'Rex' }), { mode: 0o600 });
      const answered = await answersFileChallenger(full).ask(QUESTIONS, context());
      expect(answered.kind).toBe('answered');

      const partial = join(dir, 'partial.json');
      writeFileSync(partial, JSON.stringify({ MFA16: 'Smith' }), { mode: 0o600 });
      const missing = await answersFileChallenger(partial).ask(QUESTIONS, context());
      expect(missing).toEqual({ kind: 'unavailable', reason: expect.stringContaining('SIMQ1') });
      expect(JSON.stringify(missing)).not.toContain('Smith');

      const broken = join(dir, 'broken.json');
      writeFileSync(broken, '{"MFA16": ', { mode: 0o600 });
      await expect(answersFileChallenger(broken).ask(QUESTIONS, context())).rejects.toThrow(/not valid JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([0o644, 0o640, 0o604, 0o620])('refuses an answers file other users may read or write (mode %o), as ssh does', async (mode) => {
    const dir = mkdtempSync(join(tmpdir(), 'ofx-mfa-answers-'));
    try {
      const file = join(dir, 'answers.json');
      writeFileSync(file, JSON.stringify({ MFA16: 'Smith' }), { mode: 0o600 });
      chmodSync(file, mode);
      const error = await readAnswersFile(file).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/open to other users.*chmod 600/);
      expect((error as Error).message).not.toContain('Smith');
      chmodSync(file, 0o600);
      expect(Object.fromEntries(await readAnswersFile(file))).toEqual({ MFA16: 'Smith' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without a terminal or file, explains how to provide answers', async () => {
    const outcome = await new UnattendedChallenger().ask(QUESTIONS);
    expect(outcome.kind).toBe('unavailable');
    expect(outcome.kind === 'unavailable' && outcome.reason).toMatch(/--answers FILE/);
  });
});
