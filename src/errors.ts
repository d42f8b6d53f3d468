// How failures are told, by every layer: one line for any error, and the mark of something that
// is simply not on this host.
import { engineReason, engineStatus } from './engine/errors.js';

/** Thrown by a collector when what it reads is not installed on this host: recorded as `absent`. */
export class NotInstalledError extends Error {}

/** One line that says what went wrong, without stack traces: the engine's own reason when it gave one. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    const status = engineStatus(error);
    const reason = engineReason(error);
    if (reason) return `${reason}${status ? ` (HTTP ${status})` : ''}`;
    return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
