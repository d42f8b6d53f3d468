// Reconnect delays: exponential with jitter ("equal jitter": a random delay between half the step
// and the step), so a fleet that lost its hub at the same moment does not come back at the same
// moment, and each device asks less and less often — never faster than half the step.

export interface Backoff {
  /** The delay before the next attempt; each call grows the step, up to the cap. */
  next(): number;
  /** After a success: start again from the first step. */
  reset(): void;
}

export function exponentialBackoff({ firstMs = 1_000, capMs = 300_000, random = Math.random } = {}): Backoff {
  let attempt = 0;
  return {
    next() {
      const step = Math.min(capMs, firstMs * 2 ** attempt);
      attempt = Math.min(attempt + 1, 30);
      return Math.round(step / 2 + random() * (step / 2));
    },
    reset() {
      attempt = 0;
    },
  };
}
