// Sizes the way Docker writes them ("10m", "1g", "512k", "100MiB"): binary units, as in
// Docker's own RAMInBytes, so a daemon.json `max-size` reads here as the engine reads it.

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };
const SIZE = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?\s*$/i;

/** Bytes in a size such as "10m" or "1.5GiB"; undefined when it is not a size. */
export function parseSize(text: string): number | undefined {
  const match = SIZE.exec(text);
  if (!match) return undefined;
  return Math.round(Number(match[1]) * UNITS[match[2].toLowerCase()]);
}

/** "1.5 GiB" for 1610612736, "1 GiB" for 1073741824: for messages people read. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${Number(value.toFixed(digits))} ${units[unit]}`;
}
