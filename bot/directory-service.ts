/**
 * The bank directory as the front ends use it: a nickname (or an institution's name) turned into the fields of a
 * new connection, and `checkBank`, which asks a server for its profile (anonymously: no password travels) and
 * says what it will ask of the person — before anything is stored.
 */
import { OfxError, OfxParseError } from '../core/errors.ts';
import { OfxHttpStatusError, OfxNetworkError, OfxNotOfxError, OfxTimeoutError, OfxTlsError } from '../core/http/errors.ts';
import { DEFAULT_USER_AGENT, postOfx } from '../core/http/transport.ts';
import { checkOfxUrl } from '../core/http/url.ts';
import { buildRequest, OFX_VERSIONS, type OfxVersion } from '../core/ofx/build.ts';
import { parseOfx } from '../core/ofx/parse.ts';
import { requestQuirks, type QuirkSet } from '../core/ofx/quirks.ts';
import { describeStatus } from '../core/status.ts';
import { anonymousSignon, profileFlags, type ProfileServer } from '../core/sync/profile.ts';
import type { ProfileFlags } from '../core/sync/types.ts';

export * from './directory-fields.ts';

export const CHECK_TIMEOUT_MS = 15_000;
const DEFAULT_APP_ID = 'QWIN';
const DEFAULT_APP_VER = '2700';

// ---------------------------------------------------------------------------------------------------------------
// bank check

export interface CheckTarget {
  url: string;
  org: string | null;
  fid: string | null;
  version: string;
  appId?: string;
  appVer?: string;
  quirks?: QuirkSet;
}

export interface BankCheckReport {
  host: string;
  /** The version the profile request was sent in. */
  version: string;
  /** The version the server answered in (its header). */
  answeredVersion: string;
  status: { code: number; meaning: string };
  fiName: string | null;
  signon: ProfileFlags & { realm: string | null };
  /** Other sign-on realms the profile lists, if any. */
  realms: number;
  messageSets: string[];
  /** Versions (of those ofx-mfa sends) whose profile request the server answered; null when not probed. */
  versions: string[] | null;
  quirks: Record<string, string>;
  userAgent: string;
}

export type BankCheckFailure = 'unreachable' | 'refused' | 'not-ofx';

/** The server does not answer, refuses, or answers something that is not OFX; the message is one line. */
export class BankCheckError extends OfxError {
  override name = 'BankCheckError';
  constructor(
    readonly failure: BankCheckFailure,
    readonly host: string,
    message: string,
    readonly code: number | null = null,
  ) {
    super(message);
  }
}

export interface CheckOptions {
  /** Sends one request; default: the real HTTP transport with the connection's User-Agent and a 15 s timeout. */
  send?: (body: string) => Promise<Uint8Array>;
  timeoutMs?: number;
  /** Also ask the profile in every other version ofx-mfa speaks, to list the ones the server answers. */
  probeVersions?: boolean;
  now?: Date;
}

function serverFor(target: CheckTarget, version: string): ProfileServer {
  return {
    org: target.org,
    fid: target.fid,
    version,
    appId: target.appId ?? DEFAULT_APP_ID,
    appVer: target.appVer ?? DEFAULT_APP_VER,
    quirks: target.quirks ?? {},
  };
}

function whyUnreachable(error: unknown, host: string): BankCheckError {
  if (error instanceof OfxNotOfxError) return new BankCheckError('not-ofx', host, `${host} answers, but not with OFX: ${error.message}`);
  if (error instanceof OfxParseError) return new BankCheckError('not-ofx', host, `${host} answered something that is not readable OFX (${error.message})`);
  if (error instanceof OfxHttpStatusError) return new BankCheckError('refused', host, `${host} refuses the profile request: ${error.message}`);
  if (error instanceof OfxNetworkError || error instanceof OfxTimeoutError || error instanceof OfxTlsError) {
    return new BankCheckError('unreachable', host, `${host} does not answer (the server may be gone): ${error.message}`);
  }
  const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : 'unknown error';
  return new BankCheckError('unreachable', host, `${host} could not be asked: ${message}`);
}

/** One anonymous profile request: the parsed profile, or a BankCheckError saying why there is none. */
async function askProfile(target: CheckTarget, version: string, send: (body: string) => Promise<Uint8Array>, now: Date) {
  const host = checkOfxUrl(target.url).host;
  const c = serverFor(target, version);
  const { body } = buildRequest(
    { version: version as OfxVersion, signon: anonymousSignon(c), items: [{ kind: 'profile' }], quirks: c.quirks },
    { now },
  );
  let parsed;
  try {
    parsed = parseOfx(await send(body));
  } catch (error) {
    throw whyUnreachable(error, host);
  }
  const signonCode = parsed.signon?.status.code ?? null;
  const profile = parsed.profile;
  if (!profile) {
    const why = signonCode !== null && signonCode !== 0 ? `sign-on status ${signonCode} (${describeStatus(signonCode).meaning})` : 'no profile in its answer';
    throw new BankCheckError('refused', host, `${host} answers OFX but refuses the profile request: ${why}`, signonCode);
  }
  const code = profile.status.code;
  if (code !== 0 && code !== 1) {
    throw new BankCheckError('refused', host, `${host} answers OFX but refuses the profile request: status ${code} (${describeStatus(code).meaning})`, code);
  }
  return { parsed, profile, host };
}

/** Asks the server for its profile and says what it will ask of a person; throws BankCheckError otherwise. */
export async function checkBank(target: CheckTarget, options: CheckOptions = {}): Promise<BankCheckReport> {
  let host: string;
  try {
    host = checkOfxUrl(target.url).host;
  } catch (error) {
    throw new BankCheckError('unreachable', 'the server', error instanceof Error ? error.message : 'not a valid OFX URL');
  }
  const userAgent = requestQuirks(target.quirks).userAgent ?? DEFAULT_USER_AGENT;
  const send =
    options.send ?? ((body: string) => postOfx(target.url, body, { timeoutMs: options.timeoutMs ?? CHECK_TIMEOUT_MS, userAgent }));
  const now = options.now ?? new Date();
  const { parsed, profile } = await askProfile(target, target.version, send, now);
  const info = profile.signonInfos[0];

  let versions: string[] | null = null;
  if (options.probeVersions !== false) {
    const others = OFX_VERSIONS.filter((v) => v !== target.version);
    const answers = await Promise.all(
      others.map((v) =>
        askProfile(target, v, send, now).then(
          () => v,
          () => null,
        ),
      ),
    );
    versions = [target.version, ...answers.filter((v): v is OfxVersion => v !== null)].sort();
  }
  return {
    host,
    version: target.version,
    answeredVersion: parsed.header.version,
    status: { code: profile.status.code, meaning: describeStatus(profile.status.code).meaning },
    fiName: profile.fiName,
    signon: { ...profileFlags(info), realm: info?.realm ?? null },
    realms: profile.signonInfos.length,
    messageSets: profile.messageSets,
    versions,
    quirks: { ...(target.quirks ?? {}) },
    userAgent,
  };
}

/** The report in lines for people; the first says whether the server answers. */
export function describeCheck(report: BankCheckReport): string[] {
  const s = report.signon;
  const lines = [
    `${report.host} answers OFX: profile status ${report.status.code} (${report.status.meaning}), asked in ${report.version}, answered in ${report.answeredVersion}${report.fiName ? `, institution "${report.fiName}"` : ''}`,
    s.mfaChallengeSupported
      ? `security questions: yes (MFACHALLENGESUPT); the first sync asks them once, then a stored access key signs on`
      : 'security questions: not advertised',
  ];
  if (s.mfaChallengeSupported || s.mfaChallengeFirst) {
    lines.push(
      s.mfaChallengeFirst
        ? 'MFACHALLENGEFIRST: yes, the challenge is requested with the very first sign-on'
        : 'MFACHALLENGEFIRST: no',
    );
  }
  lines.push(
    s.clientUidRequired
      ? 'CLIENTUID approval: required (CLIENTUIDREQ); if the first sync says 15510, approve the new client on the bank website'
      : 'CLIENTUID approval: not required',
  );
  if (s.userCred1Label) lines.push(`USERCRED1: "${s.userCred1Label}" (give it with --user-cred1)`);
  if (s.userCred2Label) lines.push(`USERCRED2: "${s.userCred2Label}" (give it with --user-cred2)`);
  if (s.authTokenFirst || s.authTokenLabel) lines.push(`authentication token${s.authTokenLabel ? ` "${s.authTokenLabel}"` : ''}${s.authTokenFirst ? ' on the first sign-on (AUTHTOKENFIRST)' : ''}`);
  if (report.messageSets.length > 0) lines.push(`message sets: ${report.messageSets.map((m) => m.replace(/MSGSET$/, '')).join(', ')}`);
  if (report.versions) lines.push(`versions it answers (of ${OFX_VERSIONS.join(', ')}): ${report.versions.join(', ')}`);
  return lines;
}
