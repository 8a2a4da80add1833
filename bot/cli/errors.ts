/** An error the command line reports as one line `error: ...` and turns into a process exit code (DESIGN 4.1). */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  answersNeeded: 3,
  answersRejected: 4,
  signonRefused: 5,
} as const;
