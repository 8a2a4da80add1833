/**
 * The command line's ways of answering a bank's challenge: a hidden prompt on a terminal, a JSON answers file,
 * or neither (then the sync stops with exit 3 and says how to provide answers).
 */
import { readFile, stat } from 'node:fs/promises';
import type { ChallengeContext, ChallengeOutcome, ChallengeQuestion, Challenger } from '../../core/sync/types.ts';

const HOW_TO_ANSWER =
  'run the sync on a terminal to be asked, or pass --answers FILE with a JSON object such as {"MFA16": "your answer"}';

function describeQuestions(questions: readonly ChallengeQuestion[]): string {
  return questions.map((q) => `${q.id} "${q.prompt}"`).join(', ');
}

/** Asks each question on the terminal, one by one, without echoing the answer. */
export class TerminalChallenger implements Challenger {
  constructor(
    private readonly input: NodeJS.ReadStream = process.stdin,
    private readonly output: NodeJS.WriteStream = process.stderr,
  ) {}

  async ask(questions: readonly ChallengeQuestion[], context: ChallengeContext): Promise<ChallengeOutcome> {
    const deadline = Date.now() + context.timeoutMs;
    this.output.write(
      `${context.connectionName}: the bank asks ${questions.length} security question${questions.length === 1 ? '' : 's'} ` +
        `(answers are not shown, not stored; you have ${Math.round(context.timeoutMs / 60_000)} minutes)\n`,
    );
    // Loaded here: only a person at a terminal needs it, not every sync that starts.
    const { read } = await import('read');
    const answers = new Map<string, string>();
    for (const question of questions) {
      if (context.signal.aborted) return { kind: 'cancelled' };
      const remaining = deadline - Date.now();
      if (remaining <= 0) return { kind: 'timeout' };
      try {
        const answer = await read({
          prompt: `${question.prompt}: `,
          silent: true,
          replace: '*',
          timeout: remaining,
          input: this.input,
          output: this.output,
        });
        answers.set(question.id, String(answer));
      } catch (error) {
        // Ctrl-C or the deadline left the cursor on the prompt line.
        this.output.write('\n');
        const message = error instanceof Error ? error.message : '';
        return message === 'timed out' ? { kind: 'timeout' } : { kind: 'cancelled' };
      }
    }
    return { kind: 'answered', answers };
  }
}

/** Answers known in advance (an answers file, the demo's scripted member); every question must have one. */
export class PresetChallenger implements Challenger {
  constructor(
    private readonly load: () => Promise<ReadonlyMap<string, string>>,
    private readonly source: string,
  ) {}

  async ask(questions: readonly ChallengeQuestion[]): Promise<ChallengeOutcome> {
    const answers = await this.load();
    const missing = questions.filter((q) => !answers.get(q.id)?.trim());
    if (missing.length > 0) {
      return { kind: 'unavailable', reason: `${this.source} has no answer for ${describeQuestions(missing)}` };
    }
    return { kind: 'answered', answers };
  }
}

/** The answers file cannot be used; one line, never quoting an answer. */
export class AnswersFileError extends Error {
  override name = 'AnswersFileError';
}

/** Answers from a JSON file `{"<MFAPHRASEID>": "<answer>"}`, read when the bank asks. */
export function answersFileChallenger(path: string): Challenger {
  return new PresetChallenger(() => readAnswersFile(path), 'the answers file');
}

/** Answers read already (so a bad file is refused before anything is sent to the bank). */
export function presetAnswersChallenger(answers: ReadonlyMap<string, string>, source = 'the answers file'): Challenger {
  return new PresetChallenger(async () => answers, source);
}

/** No terminal and no answers file: nobody can answer here. */
export class UnattendedChallenger implements Challenger {
  async ask(questions: readonly ChallengeQuestion[]): Promise<ChallengeOutcome> {
    return {
      kind: 'unavailable',
      reason: `the bank asks security questions (${describeQuestions(questions)}); ${HOW_TO_ANSWER}`,
    };
  }
}

/**
 * Reads `{"<MFAPHRASEID>": "<answer>"}`. A file other users may read or write is refused, as ssh refuses such key
 * files: answers are as good as a password to the bank.
 */
export async function readAnswersFile(path: string): Promise<Map<string, string>> {
  let parsed: unknown;
  try {
    const { mode } = await stat(path);
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      throw new AnswersFileError(
        `the answers file ${path} is open to other users (mode ${(mode & 0o777).toString(8)}); run: chmod 600 ${JSON.stringify(path)}`,
      );
    }
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    if (error instanceof AnswersFileError) throw error;
    const reason = (error as NodeJS.ErrnoException).code ?? 'not valid JSON';
    throw new AnswersFileError(`cannot read the answers file ${path}: ${reason}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AnswersFileError(`the answers file ${path} must hold a JSON object such as {"MFA16": "your answer"}`);
  }
  const answers = new Map<string, string>();
  for (const [id, value] of Object.entries(parsed)) {
    // Never echo a value back: it is an answer.
    if (typeof value !== 'string') throw new AnswersFileError(`the answers file ${path}: the answer for ${id} must be a string`);
    answers.set(id, value);
  }
  return answers;
}
