import path from 'node:path';

/** Where a host path is readable from here: itself on the host, under the host root inside the module container. */
export function hostPath(hostRoot: string, pathOnHost: string): string {
  return hostRoot === '' ? pathOnHost : path.join(hostRoot, pathOnHost);
}

