// Bounded waiting: everything the hub waits for (a module coming online, an event arriving) is
// polled with a deadline, so a test fails with a message instead of hanging.
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_MS = 25;

/** The first truthy value `probe` returns within `timeoutMs`, or undefined once the time is up. */
export async function pollUntil<T>(probe: () => T | undefined | false, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() >= deadline) return undefined;
    await sleep(POLL_MS);
  }
}

/** Like pollUntil, but throws `waitingFor` (and what `seen` reports) when the time is up. */
export async function waitFor<T>(waitingFor: string, probe: () => T | undefined | false, timeoutMs: number, seen?: () => string): Promise<T> {
  const value = await pollUntil(probe, timeoutMs);
  if (value) return value;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${waitingFor}${seen ? `; seen: ${seen()}` : ''}`);
}
