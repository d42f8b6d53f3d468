import { describe, expect, it } from 'vitest';
import { formatBytes, parseSize } from '../src/size.js';

const KiB = 1024;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

describe('parseSize', () => {
  it.each([
    ['10m', 10 * MiB],
    ['1g', GiB],
    ['512k', 512 * KiB],
    ['100MiB', 100 * MiB],
    ['1.5GiB', 1.5 * GiB],
    ['2t', 2 * 1024 ** 4],
    ['1p', 1024 ** 5],
    ['10M', 10 * MiB],
    ['10mb', 10 * MiB],
    ['10 MiB', 10 * MiB],
    [' 10m ', 10 * MiB],
    ['1024', 1024],
    ['0', 0],
    ['100b', 100],
  ])('reads %j as %d bytes, with binary units as Docker does', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it('rounds fractional bytes to whole bytes', () => {
    expect(parseSize('1.5')).toBe(2);
    expect(Number.isInteger(parseSize('0.3k'))).toBe(true);
  });

  it.each(['abc', '-1', '', '   ', '12 parsecs', '10x', 'm', '1.2.3', '10 m b', '1e3'])('rejects %j', (text) => {
    expect(parseSize(text)).toBeUndefined();
  });
});

describe('formatBytes', () => {
  it('shows small counts as whole bytes', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1023)).toBe('1023 B');
  });

  it('picks the largest binary unit that keeps the value at least 1', () => {
    expect(formatBytes(1.5 * KiB)).toBe('1.5 KiB');
    expect(formatBytes(1.5 * GiB)).toBe('1.5 GiB');
    expect(formatBytes(10 * MiB)).toMatch(/^10(\.0)? MiB$/);
    expect(formatBytes(1024 ** 4)).toMatch(/^1(\.0)? TiB$/);
  });

  it('keeps one decimal below 100 and none from 100 up', () => {
    expect(formatBytes(12.34 * MiB)).toBe('12.3 MiB');
    expect(formatBytes(123.4 * MiB)).toBe('123 MiB');
  });

  it('stops at PiB for very large values', () => {
    expect(formatBytes(2048 * 1024 ** 5)).toBe('2048 PiB');
  });

  it.each([0, 700, 1.5 * KiB, 10 * MiB, 100 * MiB, 1.5 * GiB, 3 * GiB, 2 * 1024 ** 4])(
    'what it writes for %d reads back as the same size',
    (bytes) => {
      expect(parseSize(formatBytes(bytes))).toBe(bytes);
    },
  );
});
