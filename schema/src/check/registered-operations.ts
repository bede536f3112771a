import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { clientFiles, readManifest, releaseWindow, type ClientPolicy } from '@bff/formats';
import { REPO_ROOT } from '@bff/platform';
import { readOperations } from '../operations';

export interface RegisteredOperation {
  name: string;
  body: string;
  source: string;
  appVersions: string[];
}

export interface RegisteredOperations {
  operations: RegisteredOperation[];
  /** Manifests present but outside the support window: not checked, and said so. */
  skipped: { source: string; reason: string }[];
}

/**
 * Collects registered operations, checking each distinct body once: an operation shared by
 * several app versions names them all.
 */
export function operationCollector() {
  const operations = new Map<string, RegisteredOperation>();
  return {
    add(name: string, body: string, source: string, appVersion?: string): void {
      const known = operations.get(body);
      if (known) {
        if (appVersion) known.appVersions.push(appVersion);
        return;
      }
      operations.set(body, { name, body, source, appVersions: appVersion ? [appVersion] : [] });
    },
    list: (): RegisteredOperation[] => [...operations.values()],
  };
}

/**
 * Every operation a client has registered: for a safelisted client, each manifest of an
 * app version in its support window (an operation shared by several versions is checked
 * once and names them all), plus the unreleased operations in the app's source (`clients/<client>/src`);
 * for other clients, the operations in the app's source.
 */
export function registeredOperations(policy: ClientPolicy): RegisteredOperations {
  const collected = operationCollector();
  const add = collected.add;
  const skipped: { source: string; reason: string }[] = [];

  const pq = policy.persistedQueries;
  if (pq.mode === 'safelist') {
    const dir = resolve(REPO_ROOT, pq.manifestsDir);
    const versions = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort() : [];
    const window = releaseWindow(pq);
    for (const version of versions) {
      if (!pq.supportedAppVersions.includes(version)) {
        skipped.push({ source: `app ${version}`, reason: `retired: not in the ${policy.name} policy's supportedAppVersions` });
        continue;
      }
      if (!window.inWindow(version)) {
        skipped.push({ source: `app ${version}`, reason: `past its support window (the ${policy.name} policy's minimumVersion or supportedUntil): its requests get UPGRADE_REQUIRED` });
        continue;
      }
      for (const op of readManifest(resolve(dir, `${version}.json`)).operations) add(op.name, op.body, `app ${version}`, version);
    }
    for (const missing of pq.supportedAppVersions.filter((v) => !versions.includes(v))) {
      skipped.push({ source: `app ${missing}`, reason: 'supported, but it has no manifest' });
    }
  }
  const sourceDir = clientFiles(policy.name).operationsDir;
  if (existsSync(sourceDir)) {
    const label = pq.mode === 'safelist' ? 'unreleased app operations' : `${policy.name} operations`;
    for (const op of readOperations(sourceDir)) add(op.name, op.body, label);
  }
  return { operations: collected.list(), skipped };
}
