/**
 * Reading a bank's profile (PROFRQ, OFX 2.2 §7): the SIGNONINFO flags a sync acts on. The request uses the
 * spec's anonymous sign-on, so no password travels just to learn what the bank supports.
 */
import { buildRequest, type OfxVersion, type SignonFields } from '../ofx/build.ts';
import { parseOfx } from '../ofx/parse.ts';
import type { SignonInfo } from '../ofx/types.ts';
import type { ConnectionConfig, ProfileFlags } from './types.ts';

const ANONYMOUS = 'anonymous00000000000000000000000';

/** What a profile request needs of a server: no credentials, so a bank can be asked before any are stored. */
export type ProfileServer = Pick<ConnectionConfig, 'version' | 'org' | 'fid' | 'appId' | 'appVer' | 'quirks'>;

export function anonymousSignon(c: ProfileServer): SignonFields {
  return { userId: ANONYMOUS, password: ANONYMOUS, org: c.org, fid: c.fid, appId: c.appId, appVer: c.appVer };
}

export function profileFlags(info: SignonInfo | undefined): ProfileFlags {
  return {
    mfaChallengeSupported: info?.mfaChallengeSupported ?? false,
    mfaChallengeFirst: info?.mfaChallengeFirst ?? false,
    clientUidRequired: info?.clientUidRequired ?? false,
    userCred1Label: info?.userCred1Label ?? null,
    userCred2Label: info?.userCred2Label ?? null,
    authTokenFirst: info?.authTokenFirst ?? false,
    authTokenLabel: info?.authTokenLabel ?? null,
  };
}

/** The profile's flags, or null when the bank answers the profile request with an error status. */
export async function fetchProfile(
  c: ProfileServer,
  send: (body: string) => Promise<Uint8Array>,
  now: Date = new Date(),
): Promise<ProfileFlags | null> {
  const { body } = buildRequest(
    { version: c.version as OfxVersion, signon: anonymousSignon(c), items: [{ kind: 'profile' }], quirks: c.quirks },
    { now },
  );
  const profile = parseOfx(await send(body)).profile;
  return profile?.status.code === 0 ? profileFlags(profile.signonInfos[0]) : null;
}
