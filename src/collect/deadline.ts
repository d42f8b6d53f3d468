/** The promise's outcome, or an error naming the step once `ms` pass or the source's deadline fires. */
export function withTimeout<T>(promise: Promise<T>, ms: number, signal: AbortSignal, step: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${step}: no answer within ${ms} ms`)), ms);
    const onAbort = () => reject(new Error(`${step}: stopped at the source deadline`));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    });
  });
}
