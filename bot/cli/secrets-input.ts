/**
 * Reading a secret from the person at the command line. Never an argument (arguments end up in shell history and
 * process lists), and never an environment variable that no flag named: a variable left set in a shell must not
 * silently become a bank password. The sources, per secret:
 *   --X-stdin      one line of standard input (several such flags read one line each, in the order of SECRETS)
 *   --X-env VAR    the variable VAR, named on purpose
 *   --X / required a hidden prompt on a terminal
 */
import type { Command } from 'commander';
import { CliError, EXIT } from './errors.ts';
import { readStdin } from './stdin.ts';

export type SecretName = 'password' | 'userCred1' | 'userCred2' | 'authToken';

/** In the order their stdin lines come. */
export const SECRETS: readonly { name: SecretName; flag: string; label: string; noun: string }[] = [
  { name: 'password', flag: 'password', label: 'Bank password', noun: 'password' },
  { name: 'userCred1', flag: 'user-cred1', label: 'USERCRED1', noun: 'USERCRED1' },
  { name: 'userCred2', flag: 'user-cred2', label: 'USERCRED2', noun: 'USERCRED2' },
  { name: 'authToken', flag: 'auth-token', label: 'Authentication token', noun: 'authentication token' },
];

export async function promptHidden(prompt: string): Promise<string> {
  const { read } = await import('read');
  try {
    return String(await read({ prompt, silent: true, replace: '*', output: process.stderr }));
  } catch {
    throw new CliError('cancelled', EXIT.usage);
  }
}

/**
 * Adds --X-stdin and --X-env VAR for each secret; `ask` adds the plain --X ("ask me for it") for the secrets that
 * are optional there (at `bank add` the password is always asked for, so it has no --password).
 */
export function secretOptions(command: Command, ask: readonly SecretName[]): Command {
  for (const s of SECRETS) {
    if (ask.includes(s.name)) command.option(`--${s.flag}`, `ask for the ${s.noun} (hidden prompt on a terminal)`);
    command.option(`--${s.flag}-stdin`, `read the ${s.noun} from a line of stdin`);
    command.option(`--${s.flag}-env <VAR>`, `read the ${s.noun} from the environment variable VAR`);
  }
  return command;
}

type SecretFlags = Record<string, unknown>;

const camel = (flag: string) => flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Whether the flags ask for this secret at all (--X, --X-stdin or --X-env). */
export function secretRequested(flags: SecretFlags, name: SecretName): boolean {
  const s = SECRETS.find((x) => x.name === name)!;
  return Boolean(flags[camel(s.flag)] || flags[camel(`${s.flag}-stdin`)] || flags[camel(`${s.flag}-env`)]);
}

/**
 * The secrets the flags ask for, plus `required` ones (asked on a terminal when no flag gives them).
 * Empty values are refused here, other checks are the bank service's.
 */
export async function readSecrets(
  flags: SecretFlags,
  required: readonly SecretName[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Promise<Partial<Record<SecretName, string>>> {
  const fromStdin = SECRETS.filter((s) => flags[camel(`${s.flag}-stdin`)]);
  const stdinLines = fromStdin.length > 0 ? (await readStdin()).toString('utf8').split(/\r?\n/) : [];
  if (stdinLines.length > 0 && stdinLines.length - (stdinLines.at(-1) === '' ? 1 : 0) < fromStdin.length) {
    throw new CliError(`stdin has fewer lines than the ${fromStdin.length} secrets asked of it (one line each: ${fromStdin.map((s) => s.flag).join(', ')})`, EXIT.usage);
  }
  const out: Partial<Record<SecretName, string>> = {};
  for (const s of SECRETS) {
    const envVar = flags[camel(`${s.flag}-env`)];
    const sources = [flags[camel(`${s.flag}-stdin`)], envVar].filter(Boolean).length;
    if (sources > 1) throw new CliError(`--${s.flag}-stdin and --${s.flag}-env: give one source for the ${s.flag}`, EXIT.usage);
    let value: string | undefined;
    if (flags[camel(`${s.flag}-stdin`)]) value = stdinLines[fromStdin.indexOf(s)];
    else if (typeof envVar === 'string') {
      value = env[envVar];
      if (!value) throw new CliError(`--${s.flag}-env ${envVar}: that environment variable is not set or empty`, EXIT.usage);
    } else if (flags[camel(s.flag)] || required.includes(s.name)) {
      if (!process.stdin.isTTY) {
        throw new CliError(`${s.flag}: no terminal to ask on; use --${s.flag}-stdin or --${s.flag}-env VAR`, EXIT.usage);
      }
      value = await promptHidden(`${s.label}: `);
    } else continue;
    if (!value) throw new CliError(`the ${s.flag} is empty`, EXIT.usage);
    out[s.name] = value;
  }
  return out;
}
