import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byWorstFirst, isProblem, worstStatus } from '../../src/checks/status.js';
import type { Status } from '../../src/checks/types.js';

describe('worstStatus', () => {
  it.each<[Status[], Status]>([
    [[], 'skipped'],
    [['skipped', 'skipped'], 'skipped'],
    [['skipped', 'ok'], 'ok'],
    [['ok', 'skipped'], 'ok'],
    [['ok', 'warning', 'ok'], 'warning'],
    [['warning', 'error', 'ok'], 'error'],
    [['error', 'skipped'], 'error'],
    [['skipped', 'warning'], 'warning'],
  ])('the worst of %j is %s (skipped < ok < warning < error)', (statuses, worst) => {
    expect(worstStatus(statuses)).toBe(worst);
  });

  it('takes any iterable', () => {
    expect(worstStatus(new Set<Status>(['ok', 'error']))).toBe('error');
  });
});

const statuses = fc.array(fc.constantFrom<Status>('ok', 'warning', 'error', 'skipped'), { maxLength: 30 });

describe('byWorstFirst', () => {
  it('orders as worstStatus judges: each item is at least as bad as every one after it', () => {
    fc.assert(
      fc.property(statuses, (list) => {
        const sorted = byWorstFirst(list.map((status) => ({ status })));
        sorted.forEach((item, i) => expect(worstStatus(sorted.slice(i).map((s) => s.status))).toBe(item.status));
        expect(sorted.map((s) => s.status).sort()).toEqual([...list].sort());
      }),
    );
  });

  it('keeps the order within a status, and leaves its input alone', () => {
    const input = [{ status: 'ok' as const, n: 1 }, { status: 'error' as const, n: 2 }, { status: 'ok' as const, n: 3 }, { status: 'skipped' as const, n: 4 }, { status: 'error' as const, n: 5 }];
    expect(byWorstFirst(input).map((i) => i.n)).toEqual([2, 5, 1, 3, 4]);
    expect(input.map((i) => i.n)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('isProblem', () => {
  it('is a warning or an error', () => {
    expect((['ok', 'warning', 'error', 'skipped'] as const).filter((status) => isProblem({ status }))).toEqual(['warning', 'error']);
  });
});
