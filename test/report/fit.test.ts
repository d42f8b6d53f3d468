import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byWorstFirst } from '../../src/checks/status.js';
import type { Status } from '../../src/checks/types.js';
import { fitToBudget, worstThatFit } from '../../src/report/fit.js';
import { truncate } from '../../src/truncate.js';

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

interface Item {
  status: Status;
  /** Where it stood in the input, to tell which ones were kept. */
  at: number;
  text: string;
}

const items = fc
  .array(fc.record({ status: fc.constantFrom<Status>('ok', 'warning', 'error', 'skipped'), text: fc.string({ maxLength: 300, unit: 'binary' }) }), { maxLength: 60 })
  .map((list) => list.map((item, at): Item => ({ ...item, at })));

/** A rendering like the telemetry events: a fixed part, the kept items, and how many were left out. */
const envelope = (header: string) => (kept: Item[], leftOut: number) => ({ header, kept, leftOut });

describe('worstThatFit', () => {
  it('is within the budget whenever the rendering without items is, keeps the worst first, and counts what it left out', () => {
    fc.assert(
      fc.property(items, fc.string({ maxLength: 200 }), fc.integer({ min: 0, max: 8_000 }), (list, header, maxBytes) => {
        const event = worstThatFit(list, maxBytes, envelope(header));
        if (bytes(envelope(header)([], list.length)) <= maxBytes) expect(bytes(event)).toBeLessThanOrEqual(maxBytes);
        // The kept ones are the first of the worst-first order, and the rest are counted, none lost.
        expect(event.kept).toEqual(byWorstFirst(list).slice(0, event.kept.length));
        expect(event.kept.length + event.leftOut).toBe(list.length);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps as many as fit: one more would be over the budget', () => {
    fc.assert(
      fc.property(items, fc.integer({ min: 0, max: 8_000 }), (list, maxBytes) => {
        const render = envelope('');
        const event = worstThatFit(list, maxBytes, render);
        const sorted = byWorstFirst(list);
        if (event.kept.length < list.length) {
          expect(bytes(render(sorted.slice(0, event.kept.length + 1), list.length - event.kept.length - 1))).toBeGreaterThan(maxBytes);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('leaves everything in when everything fits', () => {
    const list: Item[] = [{ status: 'ok', at: 0, text: 'a' }, { status: 'error', at: 1, text: 'b' }];
    expect(worstThatFit(list, 10_000, envelope('h'))).toEqual({ header: 'h', kept: [list[1], list[0]], leftOut: 0 });
  });
});

describe('fitToBudget', () => {
  it('says when even keeping none is over the budget, and keeps none', () => {
    const render = (keep: number) => ({ padding: 'x'.repeat(100), keep });
    expect(fitToBudget(5, 50, render)).toEqual({ value: render(0), kept: 0, fits: false });
    expect(fitToBudget(5, 10_000, render)).toEqual({ value: render(5), kept: 5, fits: true });
  });

  it('finds the largest count that fits among many with few renderings', () => {
    let renders = 0;
    const render = (keep: number) => {
      renders += 1;
      return 'x'.repeat(keep);
    };
    // "x…x" with its quotes: 1,002 bytes keep 1,000.
    expect(fitToBudget(100_000, 1_002, render)).toMatchObject({ kept: 1_000, fits: true });
    expect(renders).toBeLessThanOrEqual(20);
  });
});

describe('truncate', () => {
  it('leaves short text alone and cuts long text to the length, ending in an ellipsis', () => {
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('0123456789abc', 10)).toBe('012345678…');
    expect(truncate('0123456789abc', 10)).toHaveLength(10);
  });
});
