/** The bank service's typed errors in the command line's words: one line, exit 2 (DESIGN 4.1). */
import { BankNotFoundError, ConnectionExistsError, ValidationError } from '../bank-service.ts';
import { CliError, EXIT } from './errors.ts';

export function toCliError(error: unknown): unknown {
  if (error instanceof ValidationError) return new CliError(error.message, EXIT.usage);
  if (error instanceof BankNotFoundError) return new CliError(`${error.message} (see: ofx-mfa bank list)`, EXIT.usage);
  if (error instanceof ConnectionExistsError) {
    return new CliError(`${error.message}: change it with ofx-mfa bank set ${error.connectionName}, or pick another name`, EXIT.usage);
  }
  return error;
}

/** Runs `work`, turning the service's errors into CliErrors. */
export async function withServiceErrors<T>(work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toCliError(error);
  }
}
