import { cite } from './checklist.js';
import { formatBytes } from '../size.js';
import type { FilesystemHistory } from '../snapshot.js';
import type { Check, Finding } from './types.js';

const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** The fill rate is fitted over this much recent history, so an old burst does not linger. */
const FORECAST_WINDOW_MS = 48 * HOUR_MS;
/** Fewer samples, or samples over a shorter time, say too little about a trend. */
const MIN_SAMPLES = 3;
const MIN_SPAN_MS = HOUR_MS;

const REMEDIATION =
  'Find what is writing (container logs, volumes, images) and free space or grow the disk before it fills: prune unused volumes and images, cap container logs (' + cite('Manage volumes', 'Set up default logging driver') + ').';

export const diskForecast: Check = {
  id: 'disk.forecast',
  title: 'Disk fill forecast',
  settings: ['forecastHorizonDays', 'stateFolder'],
  needs: ['diskHistory'],
  twinNumbers: ['daysToFull', 'fillRateBytesPerDay', 'availableBytes'],
  run(snapshot, config) {
    const history = snapshot.diskHistory;
    if (!history) return [];
    return history.filesystems.map((fs) => judge(fs, history.file, config.forecastHorizonDays));
  },
};

function judge(fs: FilesystemHistory, file: string | null, horizonDays: number): Finding {
  const samples = fs.samples.map((s) => ({ ms: Date.parse(s.at), availableBytes: s.availableBytes }));
  const latest = samples.at(-1);
  if (!latest) return { subject: fs.path, status: 'skipped', message: 'no history yet', details: { samples: 0, horizonDays, historyFile: file } };
  const recent = samples.filter((s) => latest.ms - s.ms <= FORECAST_WINDOW_MS);
  const spanMs = latest.ms - recent[0].ms;
  const base = { availableBytes: latest.availableBytes, samples: recent.length, windowHours: round(spanMs / HOUR_MS), horizonDays, historyFile: file };

  if (recent.length < MIN_SAMPLES || spanMs < MIN_SPAN_MS) {
    const keep = file === null ? '; set stateFolder to keep history across runs' : '';
    return {
      subject: fs.path,
      status: 'skipped',
      message: `not enough history yet: ${recent.length} sample(s) over ${describeSpan(spanMs)}, needs ${MIN_SAMPLES} over an hour${keep}`,
      details: base,
    };
  }
  // `|| 0`: a flat history gives -0, which JSON cannot carry.
  const fillRateBytesPerDay = -slopePerMs(recent) * DAY_MS || 0;
  if (fillRateBytesPerDay <= 0) {
    return {
      subject: fs.path,
      status: 'ok',
      message: `not filling up: free space steady or growing over the last ${describeSpan(spanMs)}`,
      details: { ...base, fillRateBytesPerDay: Math.round(fillRateBytesPerDay), daysToFull: null },
    };
  }
  const daysToFull = latest.availableBytes / fillRateBytesPerDay;
  const details = { ...base, fillRateBytesPerDay: Math.round(fillRateBytesPerDay), daysToFull: round(daysToFull) };
  const message = `filling at ${formatBytes(fillRateBytesPerDay)}/day with ${formatBytes(latest.availableBytes)} free: full in ${describeDays(daysToFull)}`;
  if (daysToFull < horizonDays) {
    return { subject: fs.path, status: 'warning', message: `${message}, within ${horizonDays} days`, details, remediation: REMEDIATION };
  }
  return { subject: fs.path, status: 'ok', message, details };
}

/** Least-squares slope of free bytes over time. */
function slopePerMs(samples: { ms: number; availableBytes: number }[]): number {
  const n = samples.length;
  const meanT = samples.reduce((sum, s) => sum + s.ms, 0) / n;
  const meanY = samples.reduce((sum, s) => sum + s.availableBytes, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const s of samples) {
    covariance += (s.ms - meanT) * (s.availableBytes - meanY);
    variance += (s.ms - meanT) ** 2;
  }
  return variance === 0 ? 0 : covariance / variance;
}

function describeSpan(ms: number): string {
  return ms < HOUR_MS ? `${Math.round(ms / 60_000)} min` : `${round(ms / HOUR_MS)} h`;
}

function describeDays(days: number): string {
  if (days < 1) return `${round(days * 24)} hours`;
  const rounded = round(days);
  return `${rounded} day${rounded === 1 ? '' : 's'}`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
