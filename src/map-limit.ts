/**
 * Maps with at most `limit` calls in flight: one pass over many containers without flooding the engine.
 *
 * With a signal, each worker hands its calls a signal of its own that aborts with it. A request keeps
 * its abort listener until its socket closes, a moment after its answer, when the worker has already
 * sent the next one: on one shared signal hundreds of items in a row pass Node's limit of 10 listeners
 * (MaxListenersExceededWarning); this way the caller's signal holds one listener per call.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, signal: AbortSignal) => Promise<R>,
  signal: AbortSignal = new AbortController().signal,
): Promise<R[]> {
  signal.throwIfAborted();
  const results = new Array<R>(items.length);
  const workers = Array.from({ length: Math.min(limit, items.length) }, () => new AbortController());
  const abortAll = () => workers.forEach((worker) => worker.abort(signal.reason));
  signal.addEventListener('abort', abortAll, { once: true });
  let next = 0;
  const work = async (own: AbortSignal) => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index], own);
    }
  };
  try {
    await Promise.all(workers.map((worker) => work(worker.signal)));
  } finally {
    signal.removeEventListener('abort', abortAll);
  }
  return results;
}
