import { readFile } from 'node:fs/promises';

/** The engine bind-mounts /etc/hostname and friends from <data root>/containers/<id>/: the id shows in our mount table. */
const CONTAINER_FILE = /\/containers\/([0-9a-f]{64})\/(?:hostname|hosts|resolv\.conf)\s/;

/** This process's container id, or undefined when it does not run in a Docker container. */
export async function ownContainerId(mountinfo = '/proc/self/mountinfo'): Promise<string | undefined> {
  const text = await readFile(mountinfo, 'utf8').catch(() => '');
  return CONTAINER_FILE.exec(text)?.[1];
}
