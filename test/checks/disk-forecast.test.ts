import { describe, expect, it } from 'vitest';
import { diskForecast } from '../../src/checks/disk-forecast.js';
import type { Finding } from '../../src/checks/types.js';
import { type Config, defaultConfig } from '../../src/config/settings.js';
import type { FilesystemHistory } from '../../src/snapshot.js';
import { GiB, filesystemHistory, snapshot } from '../support/snapshot-builder.js';

function run(history: FilesystemHistory[], { file = '/state/disk-history.json', config = {} }: { file?: string | null; config?: Partial<Config> } = {}): Finding[] {
  return diskForecast.run(snapshot({ diskHistory: { file, filesystems: history } }), { ...defaultConfig(), ...config });
}

/** Free bytes falling by `perHourGiB` each hour, ending at `endGiB`. */
const falling = (hours: number, perHourGiB: number, endGiB: number) =>
  Array.from({ length: hours + 1 }, (_, i) => (endGiB + (hours - i) * perHourGiB) * GiB);

describe('disk.forecast', () => {
  it('warns when the recent fill rate fills the disk within the horizon', () => {
    // 1 GiB an hour with 24 GiB left: a day.
    const [finding] = run([filesystemHistory('/', falling(6, 1, 24), { everyMinutes: 60 })]);
    expect(finding).toMatchObject({
      subject: '/',
      status: 'warning',
      message: 'filling at 24 GiB/day with 24 GiB free: full in 1 day, within 7 days',
      details: { availableBytes: 24 * GiB, fillRateBytesPerDay: 24 * GiB, daysToFull: 1, samples: 7, windowHours: 6, horizonDays: 7 },
    });
    expect(finding.remediation).toContain('"Manage volumes"');
  });

  it('is ok when the disk fills slower than the horizon, and the horizon is configurable', () => {
    const history = [filesystemHistory('/', falling(6, 0.1, 40), { everyMinutes: 60 })];
    expect(run(history)[0]).toMatchObject({ status: 'ok', details: { daysToFull: 16.7 } });
    expect(run(history, { config: { forecastHorizonDays: 30 } })[0].status).toBe('warning');
  });

  it('is ok when free space is steady or growing', () => {
    expect(run([filesystemHistory('/', [10 * GiB, 10 * GiB, 10 * GiB, 10 * GiB], { everyMinutes: 30 })])[0]).toMatchObject({
      status: 'ok',
      message: 'not filling up: free space steady or growing over the last 1.5 h',
      details: { fillRateBytesPerDay: 0, daysToFull: null },
    });
    expect(run([filesystemHistory('/', [10 * GiB, 11 * GiB, 12 * GiB], { everyMinutes: 60 })])[0].status).toBe('ok');
  });

  it('fits the trend through noise rather than reading the last two samples', () => {
    // Falling 1 GiB an hour overall, with the last hour going up.
    const [finding] = run([filesystemHistory('/', [30, 29.5, 27, 26.5, 25, 25.5].map((g) => g * GiB), { everyMinutes: 60 })]);
    expect(finding.status).toBe('warning');
    expect(finding.details.fillRateBytesPerDay).toBeGreaterThan(20 * GiB);
  });

  it('uses only the last 48 hours, so an old burst does not linger', () => {
    const samples = [...falling(3, 20, 100), ...Array.from({ length: 49 }, () => 100 * GiB)];
    const [finding] = run([filesystemHistory('/', samples, { everyMinutes: 60 })]);
    expect(finding).toMatchObject({ status: 'ok', details: { samples: 49, windowHours: 48, fillRateBytesPerDay: 0 } });
  });

  it('is skipped without enough history, saying what a one-shot run needs', () => {
    expect(run([filesystemHistory('/', [50 * GiB])], { file: null })[0]).toMatchObject({
      status: 'skipped',
      message: 'not enough history yet: 1 sample(s) over 0 min, needs 3 over an hour; set stateFolder to keep history across runs',
    });
    expect(run([filesystemHistory('/', [3, 2, 1].map((g) => g * GiB), { everyMinutes: 5 })])[0]).toMatchObject({
      status: 'skipped',
      message: 'not enough history yet: 3 sample(s) over 10 min, needs 3 over an hour',
    });
  });

  it('judges each filesystem on its own', () => {
    const findings = run([filesystemHistory('/', falling(4, 2, 10), { everyMinutes: 60 }), filesystemHistory('/data', [5 * GiB, 5 * GiB, 5 * GiB], { everyMinutes: 60 })]);
    expect(findings.map((f) => [f.subject, f.status])).toEqual([
      ['/', 'warning'],
      ['/data', 'ok'],
    ]);
  });
});
