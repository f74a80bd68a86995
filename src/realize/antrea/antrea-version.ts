// The Antrea releases np2dfw realizes for (`--antrea-version X.Y`), and which CRD schemas each one's API server
// serves (src/realize/antrea/crds/<tag>/, copied from antrea-io/antrea; see PROVENANCE.txt there).

/** An Antrea release, by major and minor version (patch releases do not change the CRD schemas). */
export interface AntreaVersion {
  readonly major: number;
  readonly minor: number;
}

/** The schema folder (a release tag) of each supported minor release: every distinct schema from 2.0 to 2.7. */
const SCHEMA_TAGS: ReadonlyMap<string, string> = new Map([
  ['2.0', 'v2.1.0'], ['2.1', 'v2.1.0'],
  ['2.2', 'v2.2.0'], ['2.3', 'v2.2.0'], ['2.4', 'v2.2.0'], ['2.5', 'v2.2.0'],
  ['2.6', 'v2.6.0'],
  ['2.7', 'v2.7.0'],
]);

/** Every X.Y np2dfw supports, oldest first. */
export const SUPPORTED_ANTREA_VERSIONS: readonly string[] = [...SCHEMA_TAGS.keys()];

/**
 * The default: the oldest supported release. What np2dfw writes for it (no ipBlock `except`: the positive CIDRs
 * instead, which mean exactly the same) is kept whole and means the same on every supported release, so the
 * default never widens a rule on a cluster whose version the user did not state; verify with it models the
 * oldest API server, which prunes the most.
 */
export const DEFAULT_ANTREA_VERSION: AntreaVersion = { major: 2, minor: 0 };

/** `2.1`. */
export function formatAntreaVersion(v: AntreaVersion): string {
  return `${v.major}.${v.minor}`;
}

/** An error in a `--antrea-version` value, with the reason. */
export class AntreaVersionError extends Error {
  override readonly name = 'AntreaVersionError';
}

/**
 * Parses `X.Y` (also `vX.Y` and `X.Y.Z`, the patch ignored) into a supported version; throws AntreaVersionError
 * naming the supported ones otherwise.
 */
export function parseAntreaVersion(text: string): AntreaVersion {
  const m = /^v?(\d{1,4})\.(\d{1,4})(?:\.\d{1,4})?$/.exec(text.trim());
  const supported = `np2dfw supports ${SUPPORTED_ANTREA_VERSIONS[0]} to ${SUPPORTED_ANTREA_VERSIONS[SUPPORTED_ANTREA_VERSIONS.length - 1]}`;
  if (!m) throw new AntreaVersionError(`${JSON.stringify(text)} is not a version; give X.Y, such as 2.1 (${supported})`);
  const v = { major: Number(m[1]), minor: Number(m[2]) };
  if (!SCHEMA_TAGS.has(formatAntreaVersion(v))) {
    throw new AntreaVersionError(`Antrea ${formatAntreaVersion(v)} is not supported: ${supported}, whose CRD schemas it ships` +
      (compareAntreaVersions(v, { major: 2, minor: 7 }) > 0 ? '; for a newer release, 2.7 writes objects it accepts' : ''));
  }
  return v;
}

/** Negative, zero or positive as a is older than, the same as or newer than b. */
export function compareAntreaVersions(a: AntreaVersion, b: AntreaVersion): number {
  return a.major - b.major || a.minor - b.minor;
}

/** Whether the release's ipBlock has `except` (Antrea 2.2 and later; antrea-io/antrea PR 6658). */
export function hasIpBlockExcept(v: AntreaVersion): boolean {
  return compareAntreaVersions(v, { major: 2, minor: 2 }) >= 0;
}

/** The folder of the CRD schemas the release's API server serves. */
export function crdSchemaDir(v: AntreaVersion): URL {
  const tag = SCHEMA_TAGS.get(formatAntreaVersion(v));
  if (!tag) throw new AntreaVersionError(`Antrea ${formatAntreaVersion(v)} is not supported`);
  return new URL(`./crds/${tag}/`, import.meta.url);
}

/** The newest supported release (its schemas are the ones np2dfw validates its own output against by default). */
export const NEWEST_ANTREA_VERSION: AntreaVersion = { major: 2, minor: 7 };
