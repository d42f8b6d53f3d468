// `edge-health fleet status`: one line per device from the agent's reported health, with stale
// devices called out. Pure apart from reading cron expressions.
import cron from 'node-cron';
import type { Status } from '../checks/types.js';

export const FLEET_STATUSES = ['ok', 'warning', 'error', 'stale'] as const;
export type FleetStatus = (typeof FLEET_STATUSES)[number];

/** What the query returns for each module twin that runs the agent. */
export interface AgentTwinRow {
  deviceId: string;
  health?: { status?: Status; lastCycle?: string; checks?: Record<string, { id?: string; status?: Status }> };
  /** The schedule the agent reported applying (config.applied.schedule). */
  schedule?: string;
}

export interface DeviceLine {
  deviceId: string;
  status: FleetStatus;
  /** The status the agent last reported, also when it is stale now; null when it never reported. */
  reportedStatus: Status | null;
  /** Checks in error, then in warning, as ids. */
  worstChecks: { id: string; status: Status }[];
  lastReport: string | null;
  staleAfterMinutes: number;
}

/** Without a reported schedule, a device is stale after this long. */
export const DEFAULT_STALE_MINUTES = 30;
const SCHEDULE_PERIODS_BEFORE_STALE = 3;

/** The query: every module twin of the agent, narrowed by the caller's own condition. */
export function fleetQuery(moduleId: string, where: string | undefined): string {
  const own = `moduleId = '${moduleId.replaceAll("'", "''")}'`;
  return (
    'SELECT deviceId, properties.reported.health AS health, properties.reported.config.applied.schedule AS schedule ' +
    `FROM devices.modules WHERE ${where ? `${own} AND (${where})` : own}`
  );
}

const periods = new Map<string, number | undefined>();

/** The longest gap, in minutes, between the next runs of a cron expression; undefined when it is not one. */
export function schedulePeriodMinutes(expression: string): number | undefined {
  if (!periods.has(expression)) {
    let period: number | undefined;
    if (cron.validate(expression)) {
      const task = cron.createTask(expression, () => {});
      const runs = task.getNextRuns(5).map((d) => d.getTime());
      void task.destroy();
      const gaps = runs.slice(1).map((t, i) => t - runs[i]);
      period = gaps.length > 0 ? Math.max(...gaps) / 60_000 : undefined;
    }
    periods.set(expression, period);
  }
  return periods.get(expression);
}

const SEVERITY: Record<string, number> = { error: 2, warning: 1 };

export function deviceLine(row: AgentTwinRow, { now, staleMinutes }: { now: Date; staleMinutes?: number }): DeviceLine {
  const period = row.schedule ? schedulePeriodMinutes(row.schedule) : undefined;
  const staleAfterMinutes = staleMinutes ?? (period ? period * SCHEDULE_PERIODS_BEFORE_STALE : DEFAULT_STALE_MINUTES);
  const lastReport = row.health?.lastCycle ?? null;
  const reportedStatus = row.health?.status ?? null;
  const age = lastReport ? (now.getTime() - Date.parse(lastReport)) / 60_000 : Number.POSITIVE_INFINITY;
  const stale = !(age <= staleAfterMinutes) || reportedStatus === null;
  const worstChecks = Object.entries(row.health?.checks ?? {})
    .map(([key, check]) => ({ id: check.id ?? key, status: check.status ?? 'skipped' }))
    .filter((check) => SEVERITY[check.status] !== undefined)
    .sort((a, b) => SEVERITY[b.status] - SEVERITY[a.status] || a.id.localeCompare(b.id));
  const status: FleetStatus = stale ? 'stale' : reportedStatus === 'error' || reportedStatus === 'warning' ? reportedStatus : 'ok';
  return { deviceId: row.deviceId, status, reportedStatus, worstChecks, lastReport, staleAfterMinutes };
}

/** Worst first, then by device id. */
export function sortLines(lines: DeviceLine[]): DeviceLine[] {
  const rank: Record<FleetStatus, number> = { error: 0, stale: 1, warning: 2, ok: 3 };
  return [...lines].sort((a, b) => rank[a.status] - rank[b.status] || a.deviceId.localeCompare(b.deviceId));
}

const WORST_SHOWN = 3;

export function renderFleetText(lines: DeviceLine[], now: Date): string {
  const rows = lines.map((line) => [
    line.deviceId,
    line.status === 'stale' && line.reportedStatus ? `stale (${line.reportedStatus})` : line.status,
    describeWorst(line.worstChecks),
    line.lastReport ? `${line.lastReport} (${describeAge(now.getTime() - Date.parse(line.lastReport))} ago)` : 'never reported',
  ]);
  const widths = [0, 1, 2].map((i) => Math.max(0, ...rows.map((r) => r[i].length)));
  const body = rows.map((r) => r.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]) : cell)).join('  ').trimEnd());
  const counts = FLEET_STATUSES.map((s) => `${lines.filter((l) => l.status === s).length} ${s}`).join(', ');
  return `${[...body, `${lines.length} device${lines.length === 1 ? '' : 's'}: ${counts}`].join('\n')}\n`;
}

function describeWorst(checks: DeviceLine['worstChecks']): string {
  if (checks.length === 0) return '-';
  const shown = checks.slice(0, WORST_SHOWN).map((c) => `${c.id} (${c.status})`).join(', ');
  return checks.length > WORST_SHOWN ? `${shown} +${checks.length - WORST_SHOWN}` : shown;
}

function describeAge(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} d`;
}

/** 0 when every listed device is ok, 1 when any is warning, error or stale. */
export function fleetExitCode(lines: DeviceLine[]): 0 | 1 {
  return lines.every((line) => line.status === 'ok') ? 0 : 1;
}
