// Runs one collector under a deadline and turns whatever happens into data for the snapshot.
import type { SourceStatus } from '../snapshot.js';

export interface SourceRun<T> {
  value: T | null;
  status: SourceStatus;
}

export class SourceTimeoutError extends Error {}

/** Thrown by a collector when what it reads is not installed on this host: recorded as `absent`. */
export class NotInstalledError extends Error {}

/** Lets a collector say something worth knowing although it worked (cached data, partial reads). */
export type Note = (text: string) => void;

/** A collector gets an AbortSignal that fires at the deadline, so it can stop its own I/O. */
export async function runSource<T>(
  timeoutMs: number,
  collect: (signal: AbortSignal, note: Note) => Promise<T>,
): Promise<SourceRun<T>> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new SourceTimeoutError(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
  });
  const notes: string[] = [];
  try {
    const value = await Promise.race([collect(controller.signal, (text) => notes.push(text)), deadline]);
    const status: SourceStatus = { ok: true, durationMs: elapsed(started) };
    if (notes.length > 0) status.note = notes.join('; ');
    return { value, status };
  } catch (error) {
    const status: SourceStatus = { ok: false, durationMs: elapsed(started), error: describeError(error) };
    if (error instanceof NotInstalledError) status.absent = true;
    return { value: null, status };
  } finally {
    clearTimeout(timer);
  }
}

/** One line that says what went wrong, without stack traces. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    const status = (error as { statusCode?: number }).statusCode;
    const reason = (error as { json?: { message?: string } }).json?.message;
    if (reason) return `${reason}${status ? ` (HTTP ${status})` : ''}`;
    return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
