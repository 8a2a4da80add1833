import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildRequest } from '../../core/ofx/build.ts';
import { postOfx } from '../../core/http/transport.ts';
import { parseOfx } from '../../core/ofx/parse.ts';

const BIN = fileURLToPath(new URL('../../bin/ofx-mfa.js', import.meta.url));

describe('ofx-mfa sim bank', () => {
  it('--port 0 --json prints one JSON line, serves OFX, logs requests on stderr without secrets, stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'sim', 'bank', '--port', '0', '--json', '--ofx-version', '211'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    try {
      const lines = createInterface({ input: child.stdout });
      const [first] = (await once(lines, 'line')) as [string];
      const info = JSON.parse(first) as { url: string; org: string; fid: string; user: string; password: string; answers: Record<string, string> };
      expect(info).toMatchObject({ org: 'SIMBANK', fid: '1001', user: 'demo', answers: { MFA16: 'Smith', SIMQ1: 'Rex' } });
      expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ofx$/);

      const built = buildRequest({
        version: '211',
        signon: { userId: info.user, password: info.password, appId: 'QWIN', appVer: '2700' },
        items: [{ kind: 'accounts' }],
      });
      const parsed = parseOfx(await postOfx(info.url, built.body));
      expect(parsed.header.version).toBe('211');
      expect(parsed.signon?.status.code).toBe(3000);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(stderr).toMatch(/demo accounts -> SONRS 3000/);
    expect(stderr).not.toContain('demo-password');
  });

  it('refuses a bad port with a usage error', async () => {
    const child = spawn(process.execPath, [BIN, 'sim', 'bank', '--port', 'http'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
  });
});
