// A snapshot's report as a cycle makes it: the checks run (checks/run.ts), then the report built from their results.
import { runChecks } from '../../src/checks/run.js';
import type { Check } from '../../src/checks/types.js';
import type { Config } from '../../src/config/settings.js';
import { type Report, buildReport } from '../../src/report/build.js';
import type { Snapshot } from '../../src/snapshot.js';

export function checkedReport(snapshot: Snapshot, config: Config, checks?: readonly Check[]): Report {
  return buildReport(snapshot, runChecks(snapshot, config, checks));
}
