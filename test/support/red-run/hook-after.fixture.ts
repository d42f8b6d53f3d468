import { afterAll, expect, it } from 'vitest';

afterAll(() => {
  throw new Error('afterAll failed');
});

it('passes', () => expect(1).toBe(1));
