/**
 * `npm run directory:build [-- PATH/TO/fi.cfg] [--out FILE]`: turns ofxtools' fi.cfg into core/directory/banks.json, the
 * project's own bank directory. Servers without a URL are left out; a malformed entry is reported here and not
 * shipped. The source (repository, path, commit) is read from the README beside fi.cfg and named in the file.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { directoryFileText, entriesFromFiCfg, sha256Of } from '../core/directory/fi-cfg.ts';
import { locateFiCfg, readSourceNote } from './fi-cfg-source.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = parseArgs({ allowPositionals: true, options: { out: { type: 'string' } } });
const out = resolve(args.values.out ?? join(root, 'core/directory/banks.json'));
const path = args.positionals[0] ? resolve(args.positionals[0]) : locateFiCfg(root);
if (!path || !existsSync(path)) {
  process.stderr.write('error: fi.cfg not found; pass its path (npm run directory:build -- ../shared/bank-directory/fi.cfg) or set OFX_MFA_FI_CFG\n');
  process.exit(2);
}
const text = readFileSync(path, 'utf8');
let note;
try {
  note = readSourceNote(join(dirname(path), 'README.md'));
} catch (error) {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
const result = entriesFromFiCfg(text);
const fileProblems = result.problems.filter((p) => p.nick === null);
for (const p of result.problems) {
  process.stderr.write(`not shipped: ${p.nick ? `[${p.nick}]` : 'fi.cfg'}${p.line ? ` (line ${p.line})` : ''}: ${p.message}\n`);
}
for (const w of result.warnings) process.stderr.write(`note: [${w.nick}]${w.line ? ` (line ${w.line})` : ''}: ${w.message}\n`);
if (fileProblems.length > 0 || result.entries.length === 0) {
  process.stderr.write('error: fi.cfg could not be read as a whole; banks.json left as it was\n');
  process.exit(1);
}
writeFileSync(out, directoryFileText({ ...note, sha256: sha256Of(text) }, result.entries));
process.stdout.write(
  `wrote ${relative(root, out)}: ${result.entries.length} servers from ${relative(root, path) || path} ` +
    `(${result.sections} sections; ${result.withoutUrl} without a URL left out; ${result.problems.length} malformed, not shipped)\n`,
);
