import { describeStatus } from './status.ts';

/** Base of every error the engine throws on purpose; messages are one line and never carry secrets. */
export class OfxError extends Error {
  override name = 'OfxError';
}

/** The input is not OFX, or is too broken to read. */
export class OfxParseError extends OfxError {
  override name = 'OfxParseError';
}

/** The bank answered with a status that stops the work at hand. */
export class OfxStatusError extends OfxError {
  override name = 'OfxStatusError';
  constructor(
    readonly code: number,
    readonly where: string,
    readonly serverMessage: string | null = null,
  ) {
    const info = describeStatus(code);
    super(`${where}: the bank answered ${code} (${info.meaning}). ${info.advice}`);
  }
}
