// The oldest Node package.json's engines field admits, which the suite must actually run on.
import { readJson } from './deployment-manifest.js';

export interface NodeVersion {
  major: number;
  minor: number;
  patch: number;
}

/** engines.node as `>=X.Y.Z`, the one form that names a minimum to test; anything else throws. */
export function minimumNode(): NodeVersion {
  const range = (readJson('package.json') as { engines?: { node?: string } }).engines?.node ?? '';
  const match = /^>=(\d+)\.(\d+)\.(\d+)$/.exec(range);
  if (!match) throw new Error(`package.json engines.node is "${range}": write it as >=X.Y.Z, the oldest Node tested`);
  const [major, minor, patch] = match.slice(1).map(Number);
  return { major, minor, patch };
}
