/**
 * The support window of an app's releases: which shipped releases a BFF still serves, and
 * which it answers with UPGRADE_REQUIRED. A release is past its window when it is below the
 * client's `minimumVersion`, or its `supportedUntil` date has passed. Releases are named by
 * `x.y.z` versions, compared numerically (1.10.0 is after 1.9.0).
 */
export interface ReleaseWindowPolicy {
  supportedAppVersions: readonly string[];
  /** Releases below this version are past their window. */
  minimumVersion?: string;
  /** Per release, the instant (ISO 8601) after which it is past its window. */
  supportedUntil?: Readonly<Record<string, string>>;
}

export const APP_VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/** Negative, zero or positive as `a` is before, the same as, or after `b` (both `x.y.z`). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

export interface ReleaseWindow {
  /** True for a supported release still in its window at `now`. */
  inWindow(version: string, now?: number): boolean;
  /** The oldest release still in its window at `now`: what an app past its window must update to (at least). */
  minimumVersion(now?: number): string | undefined;
}

export function releaseWindow(policy: ReleaseWindowPolicy): ReleaseWindow {
  const until = new Map(Object.entries(policy.supportedUntil ?? {}).map(([version, date]) => [version, Date.parse(date)]));
  const inWindow = (version: string, now = Date.now()) =>
    policy.supportedAppVersions.includes(version) &&
    (policy.minimumVersion === undefined || compareVersions(version, policy.minimumVersion) >= 0) &&
    !(now > (until.get(version) ?? Infinity));
  return {
    inWindow,
    minimumVersion: (now = Date.now()) => policy.supportedAppVersions.filter((v) => inWindow(v, now)).sort(compareVersions)[0] ?? policy.minimumVersion,
  };
}
