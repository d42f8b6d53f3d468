import { beforeAll, describe, expect, it } from 'vitest';

describe('a suite whose beforeAll throws', () => {
  beforeAll(() => {
    throw new Error('beforeAll failed');
  });
  it('never runs', () => expect(1).toBe(1));
});

it('passes', () => expect(1).toBe(1));
