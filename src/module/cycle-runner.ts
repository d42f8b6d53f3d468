// One check cycle at a time: a cycle asked for while one runs joins it instead of starting another.
import { runChecks } from '../checks/run.js';
import type { Config } from '../config/settings.js';
import { collectSnapshot } from '../collect/snapshot.js';
import type { DiskHistoryState } from '../collect/disk-history.js';
import type { StoreHistoryState } from '../collect/module-stores.js';
import type { RestartHistoryState } from '../collect/restart-history.js';
import type { VolumeSizeCache } from '../collect/volume-sizes.js';
import { type Report, buildReport } from '../report/build.js';
import type { Snapshot } from '../snapshot.js';

export interface Cycle {
  snapshot: Snapshot;
  report: Report;
  durationMs: number;
}

export class CycleRunner {
  private running: Promise<Cycle> | undefined;
  private latest: Cycle | undefined;
  private readonly volumeSizeCache: { current?: VolumeSizeCache } = {};
  /** Free-space samples for disk.forecast, kept in memory between cycles (and on disk when stateFolder is set). */
  private readonly diskHistory: { current?: DiskHistoryState } = {};
  /** Module restarts seen between cycles, for modules.running's crash-loop rate. */
  private readonly restartHistory: { current?: RestartHistoryState } = {};
  /** Sizes of edgeHub's and edgeAgent's stores, for edgehub.store's growth rate. */
  private readonly storeHistory: { current?: StoreHistoryState } = {};

  constructor(
    private readonly config: () => Config,
    /** Sinks (twin, telemetry, console) told of every finished cycle. The cycle does not wait for them: they send in their own time. */
    private readonly onCycle: (cycle: Cycle) => void = () => {},
  ) {}

  get last(): Cycle | undefined {
    return this.latest;
  }

  run(): Promise<Cycle> {
    this.running ??= this.cycle().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Forget cached volume sizes, so the next cycle asks the engine (after a prune, say). */
  invalidateVolumeSizes(): void {
    this.volumeSizeCache.current = undefined;
  }

  private async cycle(): Promise<Cycle> {
    const config = this.config();
    const started = performance.now();
    const snapshot = await collectSnapshot({ config, volumeSizeCache: this.volumeSizeCache, diskHistory: this.diskHistory, restartHistory: this.restartHistory, storeHistory: this.storeHistory });
    const report = buildReport(snapshot, runChecks(snapshot, config));
    const cycle = { snapshot, report, durationMs: Math.round(performance.now() - started) };
    this.latest = cycle;
    this.onCycle(cycle);
    return cycle;
  }
}
