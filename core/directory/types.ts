/** One OFX server of the bank directory (core/directory/banks.json), as fi.cfg describes it. */
export interface DirectoryEntry {
  /** fi.cfg's section name, e.g. "vanguard", "usaa-invest"; unique, compared case-insensitively. */
  nick: string;
  /** The institution's display name from fi.cfg's [NAMES]. */
  name: string;
  /** OFX Home id (fi.cfg `ofxhome`), the key into [NAMES]. */
  ofxHomeId: string;
  url: string;
  /** The version the server speaks as fi.cfg records it ("102", "160", "220", ...), or null when unrecorded. */
  version: string | null;
  org: string | null;
  fid: string | null;
  brokerId: string | null;
  /** APPID / APPVER the server wants, when it wants particular ones. */
  appId: string | null;
  appVer: string | null;
  /** Quirks by fi.cfg's key names (see core/ofx/quirks.ts); only the ones that are on. */
  quirks: Readonly<Record<string, string>>;
}

export interface DirectorySource {
  repository: string;
  path: string;
  commit: string;
  license: string;
  /** sha256 of the fi.cfg the file was built from. */
  sha256: string;
}

/** The committed data file. */
export interface DirectoryFile {
  source: DirectorySource;
  generatedBy: string;
  count: number;
  banks: DirectoryEntry[];
}
