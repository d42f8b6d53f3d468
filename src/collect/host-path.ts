import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** Where a host path is readable from here: itself on the host, under the host root inside the module container. */
export function hostPath(hostRoot: string, pathOnHost: string): string {
  return hostRoot === '' ? pathOnHost : path.join(hostRoot, pathOnHost);
}

/** A host file's text, or undefined when it does not exist; any other failure is an error naming the file as the user knows it. */
export async function readHostFile(hostRoot: string, pathOnHost: string, signal: AbortSignal): Promise<string | undefined> {
  try {
    return await readFile(hostPath(hostRoot, pathOnHost), { encoding: 'utf8', signal });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${pathOnHost}: ${(error as Error).message}`, { cause: error });
  }
}
