import { readFileSync } from 'node:fs';

// package.json is in the parent folder of both src/version.ts and dist/version.js.
const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

export const AGENT_NAME: string = manifest.name;
export const AGENT_VERSION: string = manifest.version;
