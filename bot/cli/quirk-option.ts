/** `--quirk Q` (repeatable): `pretty`, `useragent=X`, `clientuid=` (empty: send none), `-pretty` (remove). */
import { parseQuirkSetting, type QuirkChange } from '../../core/ofx/quirks.ts';
import { CliError, EXIT } from './errors.ts';

export function collectQuirk(value: string, previous: QuirkChange[] = []): QuirkChange[] {
  try {
    return [...previous, parseQuirkSetting(value)];
  } catch (error) {
    throw new CliError(`--quirk ${value}: ${error instanceof Error ? error.message : 'not a quirk setting'}`, EXIT.usage);
  }
}
