// Every wait on the hub has an end: a promise that has not settled in time is given up on (the work
// itself may still finish later; its result is then ignored).

export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`${what}: no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
