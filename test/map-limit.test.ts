// mapLimit over many items with one caller's signal: the calls' abort listeners must not pile up on it
// (Node warns past 10 listeners on one signal), and aborting it still stops every call.
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { mapLimit } from '../src/map-limit.js';

/** Warnings Node emits while `work` runs. */
async function warningsDuring(work: () => Promise<unknown>): Promise<Error[]> {
  const seen: Error[] = [];
  const onWarning = (warning: Error) => seen.push(warning);
  process.on('warning', onWarning);
  try {
    await work();
    // Node emits the warning on the next tick after the listener that passed the limit.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  return seen;
}

/** A call that holds its abort listener a moment past its answer, as node:http's request does until its socket closes. */
function lingeringCall(signal: AbortSignal, seenOnCaller: () => void): Promise<void> {
  const onAbort = () => {};
  signal.addEventListener('abort', onAbort);
  seenOnCaller();
  return new Promise((resolve) =>
    setImmediate(() => {
      resolve();
      setImmediate(() => signal.removeEventListener('abort', onAbort));
    }),
  );
}

describe('mapLimit', () => {
  it('keeps order and never has more than `limit` calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const doubled = await mapLimit(Array.from({ length: 50 }, (_, i) => i), 4, async (i) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return i * 2;
    });
    expect(doubled).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
    expect(most).toBe(4);
  });

  it('500 calls whose listeners outlive their answers leave at most one listener on the caller\'s signal, and no warning', async () => {
    const caller = new AbortController();
    let mostOnCaller = 0;
    const countCaller = () => (mostOnCaller = Math.max(mostOnCaller, getEventListeners(caller.signal, 'abort').length));
    const warnings = await warningsDuring(() =>
      mapLimit(Array.from({ length: 500 }, (_, i) => i), 8, (_, signal) => lingeringCall(signal, countCaller), caller.signal),
    );
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    expect(mostOnCaller).toBe(1);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });

  it('aborting the caller\'s signal aborts the calls in flight, with its reason', async () => {
    const caller = new AbortController();
    const reasons: unknown[] = [];
    const run = mapLimit([1, 2, 3], 3, (_, signal) =>
      new Promise((_, reject) => signal.addEventListener('abort', () => (reasons.push(signal.reason), reject(signal.reason)), { once: true })),
    caller.signal);
    caller.abort(new Error('deadline'));
    await expect(run).rejects.toThrow('deadline');
    expect(reasons).toHaveLength(3);
  });

  it('starts nothing once the signal has fired', async () => {
    let called = 0;
    await expect(mapLimit([1], 1, async () => called++, AbortSignal.abort())).rejects.toThrow();
    expect(called).toBe(0);
  });
});
