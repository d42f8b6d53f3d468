// Runs one collector under a deadline and turns whatever happens into data for the snapshot.
import { runWithin } from '../deadline.js';
import { NotInstalledError, describeError } from '../errors.js';
import type { SourceStatus } from '../snapshot.js';

export interface SourceRun<T> {
  value: T | null;
  status: SourceStatus;
}

/** Lets a collector say something worth knowing although it worked (cached data, partial reads). */
export type Note = (text: string) => void;

/** A collector gets an AbortSignal that fires at the deadline, so it can stop its own I/O. */
export async function runSource<T>(
  timeoutMs: number,
  collect: (signal: AbortSignal, note: Note) => Promise<T>,
): Promise<SourceRun<T>> {
  const started = performance.now();
  const notes: string[] = [];
  try {
    const value = await runWithin(timeoutMs, (signal) => collect(signal, (text) => notes.push(text)));
    const status: SourceStatus = { ok: true, durationMs: elapsed(started) };
    if (notes.length > 0) status.note = notes.join('; ');
    return { value, status };
  } catch (error) {
    const status: SourceStatus = { ok: false, durationMs: elapsed(started), error: describeError(error) };
    if (error instanceof NotInstalledError) status.absent = true;
    return { value: null, status };
  }
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
