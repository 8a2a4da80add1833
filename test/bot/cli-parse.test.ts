/** Runs the real `ofx-mfa parse` and `ofx-mfa corpus` commands in a child process. */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, copyFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test/fixtures/ofx');
const CORPUS = join(ROOT, '../shared/ofx-corpus');
const run = promisify(execFile);

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, 'bin/ofx-mfa.js'), ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('ofx-mfa parse', () => {
  it('prints the statement JSON of a good file and exits 0', async () => {
    const { code, stdout } = await cli('parse', join(FIXTURES, 'xml-multiple-statements.ofx'));
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json.header).toEqual({ version: '211', format: 'xml' });
    expect(json.statements).toHaveLength(2);
    expect(stdout).toContain('\n  "header": {');
    // The file carries an ACCESSKEY; the command says there is one without printing it.
    expect(json.signon.accessKey).toBe('********');
    expect(readFileSync(join(FIXTURES, 'xml-multiple-statements.ofx'), 'utf8')).toMatch(/<ACCESSKEY>[^<*]+</);
  });

  it('prints one error line and exits 1 for a file that is not OFX', async () => {
    const { code, stdout, stderr } = await cli('parse', join(FIXTURES, 'not-ofx.html'));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^error: .*not an OFX document/);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('prints one error line and exits 1 for a file that cannot be read', async () => {
    const { code, stderr } = await cli('parse', join(FIXTURES, 'no-such-file.ofx'));
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: cannot read .*no such file\n$/);
  });
});

describe('ofx-mfa corpus', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ofx-corpus-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports each file, expects failures under a fail folder, and exits 0 when all behave', async () => {
    mkdirSync(join(dir, 'good'));
    mkdirSync(join(dir, 'fail_nice'));
    copyFileSync(join(FIXTURES, 'xml-multiple-statements.ofx'), join(dir, 'good/a.ofx'));
    copyFileSync(join(FIXTURES, 'broken-bad-amount.ofx'), join(dir, 'fail_nice/b.ofx'));
    const { code, stdout } = await cli('corpus', dir);
    expect(stdout.split('\n')).toEqual([
      'fail fail_nice/b.ofx  STMTTRN FITID "F1": invalid OFX amount "12a"  (expected)',
      'ok   good/a.ofx  statements=2 transactions=2',
      'corpus: 1 ok, 1 expected-fail, 0 unexpected, 2 files',
      'corpus: 2 passed, 0 failed',
      '',
    ]);
    expect(code).toBe(0);
  });

  it('exits 1 when a file outside a fail folder fails', async () => {
    copyFileSync(join(FIXTURES, 'broken-bad-amount.ofx'), join(dir, 'good/c.qfx'));
    const { code, stdout, stderr } = await cli('corpus', dir);
    expect(stdout).toContain('fail good/c.qfx  STMTTRN FITID "F1"');
    expect(stdout).toContain('corpus: 1 ok, 1 expected-fail, 1 unexpected, 3 files');
    expect(stdout).toContain('corpus: 2 passed, 1 failed\n');
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: /);
  });

  it.skipIf(!existsSync(CORPUS))('passes on the shared corpus', async () => {
    const { code, stdout } = await cli('corpus', CORPUS);
    expect(stdout).toMatch(/corpus: \d+ ok, 3 expected-fail, 0 unexpected, \d+ files/);
    expect(code).toBe(0);
  });
});
