/**
 * The bot's one logger: pino, one JSON line per event. Redaction is the second line of defence; the first is that
 * no call site ever hands it a password, key, answer or the text of a modal field.
 */
import pino, { type Logger } from 'pino';

/** Field names that may never reach a log line, at the top level or one object down. */
const SECRET_KEYS = [
  'password',
  'userCred1',
  'userCred2',
  'authToken',
  'accessKey',
  'answer',
  'answers',
  'token',
  'fields',
  'value',
  'values',
  'components',
];

export const REDACT_PATHS = [...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`)];

export interface LoggerOptions {
  level?: string;
  /** Where lines go; default stderr, so stdout stays the demo's transcript. */
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { app: 'ofx-mfa-bot' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      // An error's message is one line by our own rule; its stack may quote arguments, so only the name goes out.
      serializers: { err: (error: unknown) => describeError(error) },
    },
    options.destination ?? pino.destination(2),
  );
}

export function describeError(error: unknown): { type: string; message: string; code?: unknown } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { type: error.name, message: error.message.split('\n')[0] ?? '', ...(code !== undefined ? { code } : {}) };
  }
  return { type: typeof error, message: 'non-error thrown' };
}

export type { Logger };
