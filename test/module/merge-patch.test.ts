import { describe, expect, it } from 'vitest';
import { mergePatch } from '../../src/module/merge-patch.js';

describe('mergePatch', () => {
  it('is empty when nothing changed', () => {
    expect(mergePatch({ a: 1, b: { c: 'x' } }, { a: 1, b: { c: 'x' } })).toEqual({});
  });

  it('carries only the changed leaves, nested', () => {
    expect(mergePatch({ a: 1, b: { c: 'x', d: 2 } }, { a: 1, b: { c: 'y', d: 2 } })).toEqual({ b: { c: 'y' } });
  });

  it('removes vanished keys with null, as the twin PATCH expects', () => {
    expect(mergePatch({ checks: { old: { s: 1 }, kept: 1 } }, { checks: { kept: 1 } })).toEqual({ checks: { old: null } });
  });

  it('replaces a value that changes type whole', () => {
    expect(mergePatch({ a: { b: 1 } }, { a: 'text' })).toEqual({ a: 'text' });
    expect(mergePatch({ a: 'text' }, { a: { b: 1 } })).toEqual({ a: { b: 1 } });
  });
});
