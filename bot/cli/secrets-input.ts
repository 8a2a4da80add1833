/** Reading a secret from the person at the command line: stdin, an environment variable, or a hidden prompt. */
import { read } from 'read';
import { CliError, EXIT } from './errors.ts';
import { readStdin } from './stdin.ts';

export async function promptHidden(prompt: string): Promise<string> {
  try {
    return String(await read({ prompt, silent: true, replace: '*', output: process.stderr }));
  } catch {
    throw new CliError('cancelled', EXIT.usage);
  }
}

/**
 * The bank password: `--password-stdin` (first line of stdin), else $OFX_MFA_PASSWORD, else a hidden prompt on a
 * terminal. Never an argument: arguments end up in shell history and process lists.
 */
export async function readPassword(options: { passwordStdin?: boolean }, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  let password: string | undefined;
  if (options.passwordStdin) password = (await readStdin()).toString('utf8').split(/\r?\n/)[0];
  else if (env.OFX_MFA_PASSWORD) password = env.OFX_MFA_PASSWORD;
  else if (process.stdin.isTTY) password = await promptHidden('Bank password: ');
  else throw new CliError('no password: use --password-stdin, set OFX_MFA_PASSWORD, or run on a terminal', EXIT.usage);
  if (!password) throw new CliError('the password is empty', EXIT.usage);
  return password;
}

/** USERCRED1/2 (when the bank's profile asks for them): $OFX_MFA_USERCRED1/2, or a hidden prompt when requested. */
export async function readUserCred(n: 1 | 2, ask: boolean, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const fromEnv = env[`OFX_MFA_USERCRED${n}`];
  if (fromEnv) return fromEnv;
  if (!ask) return null;
  if (!process.stdin.isTTY) throw new CliError(`USERCRED${n}: set OFX_MFA_USERCRED${n} or run on a terminal`, EXIT.usage);
  return (await promptHidden(`USERCRED${n}: `)) || null;
}
