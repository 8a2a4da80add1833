/**
 * `ofx-mfa request profile|accounts|statement|challenge NAME`: prints the exact request a sync would send, secrets
 * masked, quirks applied. It never sends anything (a sync does that), so no --dry-run is needed; the flag is still accepted.
 */
import type { Command } from 'commander';
import { buildRequest, maskRequest, type OfxVersion, type RequestItem } from '../../../core/ofx/build.ts';
import { requestQuirks } from '../../../core/ofx/quirks.ts';
import { signonFor, toStatementAccount } from '../../../core/sync/machine.ts';
import { anonymousSignon } from '../../../core/sync/profile.ts';
import { getConnection, listAccounts, liveKeyInfo, toConnectionConfig } from '../../../db/index.ts';
import { statementWindowStart } from '../../sync-service.ts';
import { CliError, EXIT } from '../errors.ts';
import { withSession } from '../session.ts';

const KINDS = ['profile', 'accounts', 'statement', 'challenge'] as const;
type Kind = (typeof KINDS)[number];

export function register(program: Command): void {
  program
    .command('request')
    .description('print the OFX request a sync would send, with the password and keys masked')
    .argument('<kind>', KINDS.join(' | '))
    .argument('<name>')
    .option('--dry-run', 'accepted for habit: this command only ever prints')
    .addHelpText('after', '\nNothing is sent: run ofx-mfa sync NAME to talk to the bank.')
    .action(async (kind: string, name: string, _options: { dryRun?: boolean }, command: Command) => {
      if (!KINDS.includes(kind as Kind)) throw new CliError(`unknown request kind "${kind}": expected ${KINDS.join(', ')}`, EXIT.usage);
      const body = await withSession(command, async ({ db, box, member }) => {
        const row = getConnection(db, member.id, name);
        if (!row) throw new CliError(`no bank connection named "${name}" (see: ofx-mfa bank list)`, EXIT.usage);
        const c = toConnectionConfig(box, row);
        const version = c.version as OfxVersion;
        const now = new Date();
        let items: RequestItem[];
        switch (kind as Kind) {
          case 'profile':
            items = [{ kind: 'profile' }];
            break;
          case 'accounts':
            items = [{ kind: 'accounts' }];
            break;
          case 'challenge':
            items = [{ kind: 'challenge' }];
            break;
          case 'statement': {
            const accounts = listAccounts(db, row.id);
            if (accounts.length === 0) throw new CliError(`${name} has no accounts yet: sync once, or add them with --account`, EXIT.usage);
            const start = statementWindowStart(row, now);
            items = accounts.map((a) => ({ kind: 'statement', account: toStatementAccount(a), start, end: now }));
            break;
          }
        }
        // The key itself is never decrypted for a dry run; its place is shown masked.
        const key = liveKeyInfo(db, row.id) !== null && kind !== 'challenge' ? 'masked' : null;
        const signon = kind === 'profile' ? anonymousSignon(c) : signonFor(c, key);
        const spec = maskRequest({ version, signon, items, quirks: c.quirks });
        return { body: buildRequest(spec, { now }).body, userAgent: requestQuirks(c.quirks).userAgent };
      });
      process.stdout.write(body.body);
      // The header is not part of the OFX text; say it apart, so stdout stays the exact request.
      if (body.userAgent) process.stderr.write(`(sent with User-Agent: ${body.userAgent}, the connection's useragent quirk)\n`);
    });
}
