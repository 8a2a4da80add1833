/**
 * Issue 7 start-up: the command line loads only the module of the command being run, and bin/ofx-mfa.js runs
 * dist/ only when it was built from exactly the sources beside it (never a stale build).
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandWord, COMMANDS, V8_FLAGS } from '../../bot/cli/main.ts';
import { cli } from './cli-helpers.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('lazy commands', () => {
  it('finds the command word past the global options', () => {
    expect(commandWord(['--db', 'x.sqlite', 'bank', 'list'])).toBe('bank');
    expect(commandWord(['--db=x.sqlite', 'sync', 'home'])).toBe('sync');
    expect(commandWord(['--help'])).toBeUndefined();
  });

  it('describes each command exactly as its own module registers it', async () => {
    for (const entry of COMMANDS) {
      const program = new Command();
      (await entry.load()).register(program);
      expect(program.commands.map((c) => [c.name(), c.description()])).toEqual([[entry.name, entry.summary]]);
    }
  });

  it('gives each kind of command V8 flags this Node knows: the bot and demo theirs, the simulators none', () => {
    // V8 ignores (and warns of) a flag it does not have: a Node upgrade that drops it fails here.
    const known = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout;
    for (const flag of Object.values(V8_FLAGS).join(' ').split(' ').filter(Boolean)) expect(known).toContain(`  ${flag.split('=')[0]} `);
    expect(COMMANDS.filter((c) => c.kind).map((c) => [c.name, c.kind])).toEqual([['sim', 'simulator'], ['bot', 'bot'], ['demo', 'bot']]);
    expect(V8_FLAGS.simulator).toBe('');
  });

  it('lists every command in --help and refuses an unknown one in one line', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const entry of COMMANDS) expect(help.stdout).toContain(entry.name);
    const bankHelp = await cli(['help', 'bank']);
    expect(bankHelp.stdout).toMatch(/clear-hold/);
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
  });
});

describe('bin/ofx-mfa.js picks dist/ only when it is current', () => {
  /** A package folder with the real bin/, a one-line "source" command line and a one-line "dist" build. */
  function layout() {
    const dir = mkdtempSync(join(tmpdir(), 'ofx-mfa-bin-'));
    cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    mkdirSync(join(dir, 'bot', 'cli'), { recursive: true });
    mkdirSync(join(dir, 'migrations'), { recursive: true });
    writeFileSync(join(dir, 'migrations', '0000_x.sql'), 'create table x (a);');
    writeFileSync(join(dir, 'bot', 'cli', 'main.ts'), "export async function main(): Promise<void> { process.stdout.write('source\\n'); }\n");
    mkdirSync(join(dir, 'dist', 'cli'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'cli', 'main.js'), "export async function main() { process.stdout.write('dist\\n'); }\n");
    return dir;
  }
  const stamp = (dir: string) => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `import { sourceDigest } from ${JSON.stringify(join(dir, 'bin', 'source-digest.js'))}; process.stdout.write(sourceDigest(${JSON.stringify(dir)}));`], { encoding: 'utf8' });
    writeFileSync(join(dir, 'dist', 'BUILD-STAMP.json'), JSON.stringify({ digest: r.stdout }));
  };
  const which = (dir: string, env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [join(dir, 'bin', 'ofx-mfa.js')], { encoding: 'utf8', env: { ...process.env, OFX_MFA_FROM_SOURCE: '', ...env } }).stdout.trim();

  it('runs dist/ when its stamp matches the sources, and the sources after any change', () => {
    const dir = layout();
    try {
      expect(which(dir)).toBe('source'); // no stamp: never built
      stamp(dir);
      expect(which(dir)).toBe('dist');
      expect(which(dir, { OFX_MFA_FROM_SOURCE: '1' })).toBe('source');

      writeFileSync(join(dir, 'bot', 'cli', 'main.ts'), "export async function main(): Promise<void> { process.stdout.write('source\\n'); } // edited\n");
      expect(which(dir)).toBe('source'); // an edited source
      stamp(dir);
      writeFileSync(join(dir, 'bot', 'new-module.ts'), 'export {};\n');
      expect(which(dir)).toBe('source'); // an added one
      rmSync(join(dir, 'bot', 'new-module.ts'));
      expect(which(dir)).toBe('dist'); // back to what was built
      writeFileSync(join(dir, 'migrations', '0001_y.sql'), 'create table y (b);');
      expect(which(dir)).toBe('source'); // a new migration the build has not copied
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
