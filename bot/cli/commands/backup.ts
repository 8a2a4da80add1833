/** `ofx-mfa backup FILE [--force]`: a consistent copy of the live database, safe while the bot runs (DESIGN 4.1). */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { BackupError, backupDatabase, type BackupResult } from '../../../db/backup.ts';
import { openDatabase } from '../../../db/index.ts';
import { resolveDbPath } from '../../context.ts';
import { CliError, EXIT } from '../errors.ts';

function size(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1e3))} kB`;
}

export function describeBackup(result: BackupResult): string {
  const where =
    result.key.kind === 'file'
      ? `the key file ${result.key.path}`
      : `the key in $${result.key.name} (it is in no file)`;
  return (
    `backup written to ${result.path} (${size(result.bytes)}, readable by you only)\n` +
    `its passwords and access keys are encrypted: reading them needs ${where}. ` +
    `Keep a copy of the key safe, apart from the backup; without it the backup cannot sign on to any bank.\n`
  );
}

export function register(program: Command): void {
  program
    .command('backup')
    .description('write a consistent copy of the live database (safe while the bot runs; the key file is needed to read it)')
    .argument('<file>')
    .option('--force', 'replace FILE if it exists')
    .action(async (file: string, options: { force?: boolean }, command: Command) => {
      const dbPath = resolveDbPath(command.optsWithGlobals<{ db?: string }>().db);
      // Opening a missing path would create an empty database and back that up.
      if (!existsSync(dbPath)) throw new CliError(`no database at ${dbPath} (see --db)`, EXIT.failure);
      const db = openDatabase(dbPath);
      try {
        process.stdout.write(describeBackup(await backupDatabase(db, file, { force: options.force === true })));
      } catch (error) {
        if (error instanceof BackupError) throw new CliError(error.message, /already exists|live database/.test(error.message) ? EXIT.usage : EXIT.failure);
        throw error;
      } finally {
        db.close();
      }
    });
}
