/**
 * fast-xml-parser, loaded at its first use and through its one-file CommonJS build (the package's own "require"
 * export). Only 2.x (XML) needs it: the builder for what we send, the validator for what the simulated bank
 * checks. Its ESM entry is some forty small modules, which cost a 1.x `ofx-mfa sync` ~0.1 s and 8 MB at start-up
 * for nothing (issue 7); the bundled build loads in a fraction of that, and only when XML is written or checked.
 */
import type * as FastXmlParser from 'fast-xml-parser';
import { lazyRequire } from '../lazy-require.ts';

export const fastXmlParser = lazyRequire<typeof FastXmlParser>('fast-xml-parser');
