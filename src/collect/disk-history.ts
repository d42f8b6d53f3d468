// A small rolling history of free bytes per filesystem, carried from cycle to cycle so
// disk.forecast can tell how fast a disk fills. Kept in memory by a long-running agent and,
// when a state folder is set, in a JSON file there, so one-shot runs build it up too.
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import type { DiskHistory, FilesystemInfo } from '../snapshot.js';
import { describeError } from '../errors.js';
import type { Note } from './run-source.js';

export const HISTORY_FILE = 'disk-history.json';
/** A day of samples at a 5-minute cycle; with a slower cycle the age limit bounds it first. */
export const MAX_SAMPLES = 288;
export const MAX_AGE_MS = 7 * 24 * 3600 * 1000;
/** Far above what MAX_SAMPLES for every watched filesystem takes (about 10 KB each): a bigger file is not ours to trust. */
export const MAX_FILE_BYTES = 1024 * 1024;
const MAX_FILESYSTEMS = 64;

const stateSchema = z.object({
  version: z.literal(1),
  filesystems: z.array(
    z.object({
      path: z.string(),
      sizeBytes: z.number(),
      /** [epoch milliseconds, available bytes], oldest first: compact, since the file is rewritten every cycle. */
      samples: z.array(z.tuple([z.number(), z.number()])).max(MAX_SAMPLES),
    }),
  ).max(MAX_FILESYSTEMS),
});
/** The history as kept in memory between cycles and in the state file. */
export type DiskHistoryState = z.output<typeof stateSchema>;

export interface DiskHistoryOptions {
  filesystems: FilesystemInfo[];
  at: Date;
  /** The agent's own folder (not under the host root) to keep the history in; '' keeps it in memory only. */
  stateFolder: string;
  /** Where a long-running agent keeps the history between cycles; a one-shot run passes a fresh one. */
  memory: { current?: DiskHistoryState };
  signal: AbortSignal;
  note: Note;
}

export async function collectDiskHistory({ filesystems, at, stateFolder, memory, signal, note }: DiskHistoryOptions): Promise<DiskHistory> {
  const file = stateFolder === '' ? null : path.join(stateFolder, HISTORY_FILE);
  const previous = memory.current ?? (file ? await readHistory(file, note, signal) : emptyHistory());
  signal.throwIfAborted();
  const next = appendSamples(previous, filesystems, at.getTime());
  memory.current = next;
  if (file) {
    // Losing one write only shortens the history: say so and carry on with the one in memory.
    await writeHistory(file, next, signal).catch((error) => note(`could not save the disk history to ${file}: ${describeError(error)}`));
  }
  return {
    file,
    filesystems: next.filesystems.map((fs) => ({
      path: fs.path,
      sizeBytes: fs.sizeBytes,
      samples: fs.samples.map(([ms, availableBytes]) => ({ at: new Date(ms).toISOString(), availableBytes })),
    })),
  };
}

/**
 * This cycle's sample added to each watched filesystem. Filesystems no longer watched are
 * forgotten, a filesystem whose size changed starts afresh (its old free bytes say nothing about
 * the new disk), and samples beyond the count and age bounds, or later than now (the clock went back), are dropped.
 */
export function appendSamples(previous: DiskHistoryState, filesystems: FilesystemInfo[], atMs: number): DiskHistoryState {
  return {
    version: 1,
    filesystems: filesystems.map((fs) => {
      const earlier = previous.filesystems.find((h) => h.path === fs.path && h.sizeBytes === fs.sizeBytes)?.samples ?? [];
      const kept = earlier.filter(([ms]) => ms < atMs && atMs - ms <= MAX_AGE_MS);
      return { path: fs.path, sizeBytes: fs.sizeBytes, samples: [...kept, [atMs, fs.availableBytes] as [number, number]].slice(-MAX_SAMPLES) };
    }),
  };
}

function emptyHistory(): DiskHistoryState {
  return { version: 1, filesystems: [] };
}

async function readHistory(file: string, note: Note, signal: AbortSignal): Promise<DiskHistoryState> {
  let text: string;
  try {
    // Sized before it is read: the file is read whole only when it is small enough to be ours.
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      if (size > MAX_FILE_BYTES) return await setAside(file, `is ${size} bytes, over the ${MAX_FILE_BYTES} a history takes`, note);
      text = await handle.readFile({ encoding: 'utf8', signal });
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (signal.aborted) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyHistory();
    note(`could not read the disk history ${file}: ${describeError(error)}; starting a new one`);
    return emptyHistory();
  }
  try {
    return stateSchema.parse(JSON.parse(text));
  } catch {
    return setAside(file, 'is not in the expected form', note);
  }
}

/** A history that cannot be used is kept for a look (renamed with a .rejected suffix), noted, and a new one starts. */
async function setAside(file: string, why: string, note: Note): Promise<DiskHistoryState> {
  const aside = `${file}.rejected`;
  const moved = await rename(file, aside).then(
    () => `moved to ${aside}`,
    (error) => `could not be moved aside (${describeError(error)})`,
  );
  note(`the disk history ${file} ${why}; it was ${moved}, and a new one starts`);
  return emptyHistory();
}

/** Written beside the old file and renamed over it, so a crash mid-write never leaves half a file; a failed write leaves no temporary file. */
async function writeHistory(file: string, state: DiskHistoryState, signal: AbortSignal): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(state)}\n`, { signal });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => {});
    throw error;
  }
}
