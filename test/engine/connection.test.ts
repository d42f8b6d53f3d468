import { describe, expect, it } from 'vitest';
import { NEWEST_API, OLDEST_API, compareApiVersions, negotiateApiVersion } from '../../src/engine/connection.js';

describe('compareApiVersions', () => {
  it('orders by major, then minor, numerically', () => {
    expect(compareApiVersions('1.41', '1.41')).toBe(0);
    expect(compareApiVersions('1.41', '1.42')).toBeLessThan(0);
    expect(compareApiVersions('1.52', '1.51')).toBeGreaterThan(0);
    expect(compareApiVersions('1.9', '1.10')).toBeLessThan(0);
    expect(compareApiVersions('2.0', '1.99')).toBeGreaterThan(0);
  });
});

describe('negotiateApiVersion', () => {
  it('reads API 1.41 to 1.51', () => {
    expect([OLDEST_API, NEWEST_API]).toEqual(['1.41', '1.51']);
  });

  it('engine 1.41 is spoken as 1.41', () => {
    expect(negotiateApiVersion('1.41', '1.12')).toBe('1.41');
  });

  it('an engine within the range is spoken at its own version', () => {
    expect(negotiateApiVersion('1.45', '1.24')).toBe('1.45');
    expect(negotiateApiVersion('1.51', '1.24')).toBe('1.51');
  });

  it('engine 1.52 is spoken down to 1.51', () => {
    expect(negotiateApiVersion('1.52', '1.24')).toBe('1.51');
  });

  it('a much newer engine is spoken down to 1.51', () => {
    expect(negotiateApiVersion('1.60', '1.41')).toBe('1.51');
  });

  it('engine 1.40 is refused, naming 1.41', () => {
    expect(() => negotiateApiVersion('1.40', '1.12')).toThrow(/1\.41/);
    expect(() => negotiateApiVersion('1.40', '1.12')).toThrow(/1\.40/);
  });

  it('an engine whose MinAPIVersion is above 1.51 is refused, naming its minimum', () => {
    expect(() => negotiateApiVersion('1.55', '1.52')).toThrow(/1\.52/);
  });

  it('an engine whose MinAPIVersion is exactly 1.51 is spoken at 1.51', () => {
    expect(negotiateApiVersion('1.55', '1.51')).toBe('1.51');
  });
});
