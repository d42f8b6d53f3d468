import type { Config, SettingKey } from '../config/settings.js';
import type { Snapshot, SourceName } from '../snapshot.js';

/** skipped: could not be judged (source missing, nothing applies); never counts as a failure. */
export type Status = 'ok' | 'warning' | 'error' | 'skipped';

export interface CheckResult {
  /** Stable check id, e.g. disk.space: users disable checks and route alerts by it. */
  id: string;
  /** What was judged: a mount point, a volume, a container. */
  subject: string;
  status: Status;
  /** One line a person can act on. */
  message: string;
  /** Evidence, machine-readable, units in the names (freeBytes, freePercent). */
  details: Record<string, unknown>;
  /** How to fix it, for anything not ok. */
  remediation?: string;
  /** A total over the check's other results (all containers' logs), not a subject of its own: summaries do not count it. */
  aggregate?: true;
}

/** What a check returns for each subject; the runner adds the id. */
export type Finding = Omit<CheckResult, 'id'>;

export interface Check {
  id: string;
  title: string;
  /** Sources the check reads: if one failed, the runner reports skipped with its reason instead of running the check. */
  needs: SourceName[];
  /** Settings that change what it judges: `edge-health checks` and the README's checks table list them. */
  settings?: SettingKey[];
  /** Sources it also reads where they worked, judging without them otherwise. Every source a check reads is in one of the two. */
  uses?: SourceName[];
  /**
   * The detail numbers the module twin carries for each subject, in this order: what an operator
   * queries across devices (freePercent, daysLeft), not thresholds, which the twin's config holds.
   * Only those that are numbers in a result go; [] for none.
   */
  twinNumbers: readonly string[];
  run(snapshot: Snapshot, config: Config): Finding[];
}
