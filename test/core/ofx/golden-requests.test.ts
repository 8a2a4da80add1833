/**
 * Bodies captured before per-connection quirks existed (test/fixtures/requests/): a request without quirks is
 * byte-for-byte what it always was, in every version.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildRequest } from '../../../core/ofx/build.ts';
import { goldenContext, goldenSpecs } from './golden-requests.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/requests/${name}.ofx`, import.meta.url), 'utf8');

describe('requests without quirks', () => {
  it.each(goldenSpecs().map((g) => [g.name, g] as const))('%s builds the captured bytes', (_name, { name, spec }) => {
    expect(buildRequest(spec, goldenContext()).body).toBe(fixture(name));
  });
});
