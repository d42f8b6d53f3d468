// Fitting the compact renderings (twin, telemetry, method answers) into what their channel takes:
// a list cut to a byte budget, worst first, saying how much it left out; a text cut to a length.
import { byWorstFirst } from '../checks/status.js';
import type { Status } from '../checks/types.js';

export interface Fitted<T> {
  value: T;
  /** How many of the `most` it could keep. */
  kept: number;
  /** Whether the value is within the budget: false only when even keeping none is over it. */
  fits: boolean;
}

/**
 * The rendering that keeps the most items, from 0 to `most`, and is still within `maxBytes` as
 * JSON; with none fitting, the one that keeps none. `render` must grow with what it keeps.
 */
export function fitToBudget<T>(most: number, maxBytes: number, render: (keep: number) => T): Fitted<T> {
  const fitsIn = (value: T) => Buffer.byteLength(JSON.stringify(value)) <= maxBytes;
  const all = render(most);
  if (fitsIn(all)) return { value: all, kept: most, fits: true };
  // Binary search over how many to keep: `low` fits (or is 0), `high` does not.
  let low = 0;
  let lowValue = render(0);
  let high = most;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    const value = render(middle);
    if (fitsIn(value)) [low, lowValue] = [middle, value];
    else high = middle;
  }
  return { value: lowValue, kept: low, fits: low > 0 || fitsIn(lowValue) };
}

/** The rendering with as many of `items` as fit, worst first, and how many it left out. */
export function worstThatFit<I extends { status: Status }, T>(items: readonly I[], maxBytes: number, render: (kept: I[], leftOut: number) => T): T {
  const sorted = byWorstFirst(items);
  return fitToBudget(sorted.length, maxBytes, (keep) => render(sorted.slice(0, keep), sorted.length - keep)).value;
}
