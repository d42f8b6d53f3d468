// Model-based proof of pruneVolumes: thousands of generated engine states (named and anonymous
// volumes; mounted by containers in every state, by name or through their data folder; protected by
// system module, name pattern or label; of all ages) and changes made while a run is under way.
// The plan and the run are the real code (planVolumePrune, carryOut); the engine is a model that
// refuses what the real one refuses, and the expectations are written here independently.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { NOT_ATTEMPTED, carryOut } from '../../src/actions/carry-out.js';
import type { VolumePruneOptions } from '../../src/actions/payload.js';
import { LISTED_MAX, type PlanContext, type Removal, recheck, toAnswer, withSizes } from '../../src/actions/plan.js';
import { type VolumeState, planVolumePrune } from '../../src/actions/prune-volumes.js';
import type { ContainerMount } from '../../src/snapshot.js';

/** Generated engine states checked per run; the README states this number. */
export const VOLUME_SCENARIOS = 20000;

const NOW = new Date('2026-06-01T12:00:00Z');
const HOUR = 3_600_000;
const STATES = ['running', 'exited', 'created', 'paused', 'restarting', 'dead'] as const;
const LABELS = ['edge-health.protect', 'site.keep'];

type Volume = VolumeState['volumes'][number];
type Container = VolumeState['containers'][number] & { state: (typeof STATES)[number] };

// --- The expectations, written independently of src/volume-protection.ts and the plan. ---

function globMatches(pattern: string, name: string): boolean {
  if (pattern === '') return name === '';
  const [head, rest] = [pattern[0], pattern.slice(1)];
  if (head === '*') return [...Array(name.length + 1).keys()].some((skip) => globMatches(rest, name.slice(skip)));
  return name !== '' && (head === '?' || head === name[0]) && globMatches(rest, name.slice(1));
}

function isProtected(volume: Volume, config: PlanContext['config']): boolean {
  const lower = volume.name.toLowerCase();
  const label = volume.labels[config.protectLabel];
  return (
    lower.startsWith('edgeagent') ||
    lower.startsWith('edgehub') ||
    config.protectedVolumes.some((p) => globMatches(p, volume.name)) ||
    (label !== undefined && label.toLowerCase() !== 'false')
  );
}

/** Any container, in any state, mounting it by name or binding its data folder. */
function isUsed(name: string, containers: readonly Container[]): boolean {
  return containers.some((c) =>
    c.mounts.some((m) => (m.type === 'volume' && m.name === name) || (m.type === 'bind' && (m.source.endsWith(`/volumes/${name}/_data`) || m.source.includes(`/volumes/${name}/_data/`)))),
  );
}

function isOldEnough(volume: Volume, hours: number): boolean {
  if (hours === 0) return true;
  const created = Date.parse(volume.createdAt);
  return !Number.isNaN(created) && NOW.getTime() - created >= hours * HOUR;
}

// --- A model of the engine: the volume delete refuses a volume any container references by name (as Moby does). ---

class VolumeEngine {
  readonly volumes: Map<string, Volume>;
  readonly containers: Container[];
  readonly deleted: string[] = [];
  readonly usedWhenDeleted: boolean[] = [];
  readonly protectedWhenDeleted: boolean[] = [];

  /** `config` only tells what counts as protected when a delete happens (the engine itself knows nothing of it). */
  constructor(state: { volumes: Volume[]; containers: Container[] }, private readonly config: PlanContext['config']) {
    this.volumes = new Map(state.volumes.map((v) => [v.name, v]));
    this.containers = [...state.containers];
  }

  state(): VolumeState {
    return structuredClone({ volumes: [...this.volumes.values()], containers: this.containers });
  }

  /** The state as it is now, for the plan's pure last look (not copied: the plan only reads it). */
  now(): VolumeState {
    return { volumes: [...this.volumes.values()], containers: this.containers };
  }

  relabel(name: string, labels: Record<string, string>): void {
    const volume = this.volumes.get(name);
    if (volume) this.volumes.set(name, { ...volume, labels: { ...volume.labels, ...labels } });
  }

  async remove(name: string): Promise<void> {
    if (!this.volumes.has(name)) throw Object.assign(new Error('no such volume'), { statusCode: 404 });
    const user = this.containers.find((c) => c.mounts.some((m) => m.type === 'volume' && m.name === name));
    if (user) throw Object.assign(new Error('conflict'), { statusCode: 409, json: { message: `remove ${name}: volume is in use - [${user.name}]` } });
    // Like Moby, it does not see a bind mount of the data folder: that is the plan's to avoid.
    this.usedWhenDeleted.push(isUsed(name, this.containers));
    this.protectedWhenDeleted.push(isProtected(this.volumes.get(name) as Volume, this.config));
    this.volumes.delete(name);
    this.deleted.push(name);
  }
}

// --- Generators. ---

const volumeName = fc.oneof(
  fc.constantFrom('data', 'data-1', 'data-22', 'cache', 'keep-db', 'keep-logs', 'edgeHub', 'edgeAgent-state', 'EdgeHubStore', 'logs', 'x.y', 'site_store'),
  fc.tuple(fc.constantFrom('app', 'db', 'tmp'), fc.nat(99)).map(([base, n]) => `${base}-${n}`),
);
const anonymousName = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString('hex'));
const label = fc.oneof(
  { weight: 4, arbitrary: fc.constant({}) },
  { weight: 2, arbitrary: fc.constantFrom(...LABELS).chain((key) => fc.constantFrom('true', 'false', 'FALSE', '', 'yes').map((value) => ({ [key]: value }))) },
  { weight: 1, arbitrary: fc.constant({ 'com.example.other': 'true' }) },
);
/** Mostly past times up to 400 h back (minute steps, spread evenly), some unreadable, some in the future (a clock set wrong). */
const createdAt = fc.oneof(
  { weight: 8, arbitrary: fc.noBias(fc.integer({ min: 0, max: 400 * 60 })).map((minutes) => new Date(NOW.getTime() - minutes * 60_000).toISOString()) },
  { weight: 1, arbitrary: fc.constantFrom('', 'not a date') },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 48 }).map((hours) => new Date(NOW.getTime() + hours * HOUR).toISOString()) },
);
const volume = fc.oneof(
  { weight: 3, arbitrary: fc.record({ name: volumeName, anonymous: fc.constant(false), labels: label, createdAt }) },
  { weight: 2, arbitrary: fc.record({ name: anonymousName, anonymous: fc.constant(true), labels: label, createdAt }) },
);

function mountOf(names: readonly string[]): fc.Arbitrary<ContainerMount> {
  const name = fc.oneof(fc.constantFrom(...names, 'gone-volume'));
  return fc.oneof(
    name.map((n) => ({ type: 'volume', name: n, source: `/var/lib/docker/volumes/${n}/_data`, destination: '/data', readOnly: false })),
    fc.tuple(name, fc.constantFrom('', '/sub')).map(([n, sub]) => ({ type: 'bind', source: `/var/lib/docker/volumes/${n}/_data${sub}`, destination: '/raw', readOnly: true })),
    fc.constantFrom({ type: 'bind', source: '/srv/data', destination: '/srv', readOnly: false }, { type: 'tmpfs', source: '', destination: '/tmp', readOnly: false }),
  );
}

function containerOf(names: readonly string[]): fc.Arbitrary<Container> {
  return fc.record({
    name: fc.nat(999).map((n) => `module-${n}`),
    state: fc.constantFrom(...STATES),
    mounts: fc.array(mountOf(names), { maxLength: 3 }),
  });
}

/**
 * Something that happens while the run is under way, just before its n-th delete: a container
 * created on a volume (often the very one about to be deleted) mounting it by name or binding its
 * data folder (which the engine does not see), a protect label added, or a volume removed by
 * someone else.
 */
type Interference = {
  beforeDelete: number;
  kind: 'container' | 'bindMount' | 'protectLabel' | 'removedElsewhere';
  state: Container['state'];
  name: string | 'the next one';
};

const scenario = fc
  .uniqueArray(volume, { selector: (v) => v.name, minLength: 1, maxLength: 12, size: 'medium' })
  .chain((volumes) => {
    const names = volumes.map((v) => v.name);
    const someName = fc.constantFrom(...names);
    const interference: fc.Arbitrary<Interference> = fc.record({
      beforeDelete: fc.nat(3),
      kind: fc.constantFrom('container', 'bindMount', 'protectLabel', 'removedElsewhere'),
      state: fc.constantFrom(...STATES),
      name: fc.oneof(fc.constant('the next one'), someName),
    });
    return fc.record({
      volumes: fc.constant(volumes),
      containers: fc.array(containerOf(names), { maxLength: 4 }),
      sizes: fc.array(fc.option(fc.nat(10 ** 9), { nil: undefined }), { minLength: volumes.length, maxLength: volumes.length }),
      config: fc.record({
        protectedVolumes: fc.subarray(['keep-*', 'data-?', 'cache', 'nomatch*', '*_store', 'x.y']),
        protectLabel: fc.constantFrom(...LABELS),
        pruneOlderThanHours: fc.constantFrom(0, 1, 24, 72),
      }),
      options: fc.record(
        {
          dryRun: fc.boolean(),
          names: fc.array(fc.oneof({ weight: 5, arbitrary: someName }, { weight: 1, arbitrary: fc.constant('no-such-volume') }), { minLength: 1, maxLength: 6 }),
          olderThanHours: fc.oneof(fc.constantFrom(0, 24), fc.noBias(fc.integer({ min: 0, max: 200 * 4 })).map((quarters) => quarters / 4)),
          anonymousOnly: fc.boolean(),
        },
        { requiredKeys: ['dryRun', 'anonymousOnly'] },
      ),
      interference: fc.array(interference, { maxLength: 3 }),
    });
  });

// --- The properties. ---

const tally = { scenarios: 0, planned: 0, removed: 0, keptMidRun: 0, wronglyDeleted: 0 };

describe('pruneVolumes, model-based', () => {
  afterAll(() => {
    console.info(`pruneVolumes model: ${tally.scenarios} engine states, ${tally.planned} planned removals, ${tally.removed} removed, ` +
      `${tally.keptMidRun} kept mid-run, ${tally.wronglyDeleted} wrongly deleted`);
  });

  it(`never removes a volume in use or protected, deletes nothing on a dry run, and accounts for every candidate (${VOLUME_SCENARIOS} states)`, async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ volumes, containers, sizes, config, options, interference }) => {
        tally.scenarios += 1;
        const engine = new VolumeEngine({ volumes, containers }, config);
        const context: PlanContext = { config, now: NOW };
        const plan = withSizes(
          planVolumePrune(engine.state(), options as VolumePruneOptions, context),
          new Map(volumes.flatMap((v, i) => (sizes[i] === undefined ? [] : [[v.name, sizes[i]] as const]))),
        );
        const hours = options.olderThanHours ?? config.pruneOlderThanHours;
        const byName = new Map(volumes.map((v) => [v.name, v]));

        // The plan: exactly the candidates that are unused, unprotected, old enough and asked for.
        const expectedCandidates = options.names
          ? [...new Set(options.names)]
          : volumes.filter((v) => !isUsed(v.name, containers) && (!options.anonymousOnly || v.anonymous)).map((v) => v.name);
        const removable = (name: string) => {
          const v = byName.get(name);
          return v !== undefined && !isUsed(name, containers) && !isProtected(v, config) && isOldEnough(v, hours) && (!options.anonymousOnly || v.anonymous);
        };
        expect([...plan.remove.map((r) => r.name), ...plan.skip.map((s) => s.name)].sort()).toEqual([...expectedCandidates].sort());
        expect(plan.remove.map((r) => r.name).sort()).toEqual(expectedCandidates.filter(removable).sort());
        // Each volume kept says why, the strongest reason first.
        for (const { name, reason } of plan.skip) {
          const v = byName.get(name);
          if (v === undefined) expect(reason).toBe('no such volume');
          else if (isProtected(v, config)) expect(reason).toMatch(/^protected: /);
          else if (isUsed(name, containers)) expect(reason).toMatch(/^in use by containers? /);
          else if (options.anonymousOnly && !v.anonymous) expect(reason).toBe('a named volume, and anonymousOnly is set');
          else expect(reason).toMatch(/^(created .* h ago, less than .* h|creation time unknown)/);
        }
        tally.planned += plan.remove.length;

        // The run, with the world changing under it.
        const removalsSeen: Removal[] = [];
        const steps = {
          recheck: async (r: Removal) => recheck(planVolumePrune, engine.now(), options as VolumePruneOptions, context, r),
          remove: (r: Removal) => engine.remove(r.ref),
        };
        const outcome = await carryOut(plan, options.dryRun, steps, {
          beforeDelete: async (removal) => {
            for (const event of interference.filter((e) => e.beforeDelete === removalsSeen.length)) {
              const name = event.name === 'the next one' ? removal.ref : event.name;
              const source = `/var/lib/docker/volumes/${name}/_data`;
              if (event.kind === 'removedElsewhere') engine.volumes.delete(name);
              else if (event.kind === 'protectLabel') engine.relabel(name, { [config.protectLabel]: 'true' });
              else if (event.kind === 'bindMount') engine.containers.push({ name: 'late-binder', state: event.state, mounts: [{ type: 'bind', source, destination: '/raw', readOnly: false }] });
              else engine.containers.push({ name: 'late-comer', state: event.state, mounts: [{ type: 'volume', name, source, destination: '/data', readOnly: false }] });
            }
            removalsSeen.push(removal);
          },
        });

        // Wrong: protected (when planned or when deleted), in use when planned, or in use when deleted.
        const wrong = engine.deleted.filter(
          (name, i) => isProtected(byName.get(name) as Volume, config) || engine.protectedWhenDeleted[i] || isUsed(name, containers) || engine.usedWhenDeleted[i],
        );
        tally.wronglyDeleted += wrong.length;
        expect(wrong).toEqual([]);

        if (options.dryRun) {
          expect(engine.deleted).toEqual([]);
          expect(removalsSeen).toEqual([]);
          expect(engine.state()).toEqual(structuredClone({ volumes, containers }));
          expect(outcome.removed).toEqual(plan.remove);
        } else {
          // Every planned removal ends removed or not removed with the engine's reason; nothing else is touched.
          expect(outcome.removed.map((r) => r.name)).toEqual(engine.deleted);
          expect([...outcome.removed.map((r) => r.name), ...outcome.notRemoved.map((s) => s.name)].sort()).toEqual(plan.remove.map((r) => r.name).sort());
          // The last look before each delete catches every change made since the plan.
          for (const s of outcome.notRemoved) expect(s.reason).toMatch(/^changed since the plan: (no such volume|protected: |in use by containers? )/);
          // Undisturbed, the run carries out exactly the plan a dry run would have shown.
          if (interference.length === 0) expect(outcome.removed).toEqual(plan.remove);
          tally.removed += outcome.removed.length;
          tally.keptMidRun += outcome.notRemoved.length;
        }
        expect(outcome.skipped).toEqual(plan.skip);

        const answer = toAnswer(outcome, options.dryRun, 1);
        expect(answer.removedCount + answer.skippedCount).toBe(expectedCandidates.length);
        expect(answer.removed.length).toBeLessThanOrEqual(LISTED_MAX);
        expect(answer.reclaimedBytes).toBe(outcome.removed.reduce((sum, r) => sum + (r.bytes ?? 0), 0));
      }),
      { numRuns: VOLUME_SCENARIOS },
    );
    expect(tally.scenarios).toBe(VOLUME_SCENARIOS);
    expect(tally.wronglyDeleted).toBe(0);
    // A hang guard, not a speed limit: on a busy shared machine 20,000 runs can take a minute or more.
  }, 300_000);

  describe('a container arriving between plan and delete', () => {
    const config = { protectedVolumes: [], protectLabel: 'p', pruneOlderThanHours: 24 };
    const context: PlanContext = { config, now: NOW };
    const options: VolumePruneOptions = { dryRun: false, anonymousOnly: false };
    const threeVolumes = () => new VolumeEngine({ volumes: ['a', 'b', 'c'].map((name) => ({ name, anonymous: false, labels: {}, createdAt: '2026-01-01T00:00:00Z' })), containers: [] }, config);
    const lookAgain = (engine: VolumeEngine) => async (r: Removal) => recheck(planVolumePrune, engine.now(), options, context, r);

    it('binding the data folder, which the engine cannot see: the last look keeps it, and the run goes on', async () => {
      const engine = threeVolumes();
      const plan = planVolumePrune(engine.state(), options, context);
      expect(plan.remove.map((r) => r.name)).toEqual(['a', 'b', 'c']);
      const outcome = await carryOut(plan, false, { recheck: lookAgain(engine), remove: (r) => engine.remove(r.ref) }, {
        beforeDelete: async (r) => {
          if (r.name === 'b') engine.containers.push({ name: 'late', state: 'running', mounts: [{ type: 'bind', source: '/var/lib/docker/volumes/b/_data', destination: '/d', readOnly: false }] });
        },
      });
      expect(outcome.removed.map((r) => r.name)).toEqual(['a', 'c']);
      expect(outcome.notRemoved).toEqual([{ name: 'b', reason: 'changed since the plan: in use by container late' }]);
      expect([...engine.volumes.keys()]).toEqual(['b']);
    });

    it('mounting it by name after the last look: the engine refuses the delete, and it is reported', async () => {
      const engine = threeVolumes();
      const plan = planVolumePrune(engine.state(), options, context);
      const recheckThenMount = async (r: Removal) => {
        const reason = await lookAgain(engine)(r);
        if (r.name === 'b') engine.containers.push({ name: 'late', state: 'created', mounts: [{ type: 'volume', name: 'b', source: '', destination: '/d', readOnly: false }] });
        return reason;
      };
      const outcome = await carryOut(plan, false, { recheck: recheckThenMount, remove: (r) => engine.remove(r.ref) });
      expect(outcome.removed.map((r) => r.name)).toEqual(['a', 'c']);
      expect(outcome.notRemoved).toEqual([{ name: 'b', reason: 'refused by the engine: remove b: volume is in use - [late]' }]);
    });

    it('a last look that fails keeps the item', async () => {
      const engine = threeVolumes();
      const plan = planVolumePrune(engine.state(), options, context);
      const outcome = await carryOut(plan, false, { recheck: () => Promise.reject(new Error('connect ECONNREFUSED')), remove: (r) => engine.remove(r.ref) });
      expect(outcome.removed).toEqual([]);
      expect(outcome.notRemoved.map((s) => s.reason)).toEqual(Array(3).fill('not removed: could not look at it again before deleting: connect ECONNREFUSED'));
      expect(engine.deleted).toEqual([]);
    });

    it('stopping mid-run: the delete in flight finishes, none starts after it', async () => {
      const engine = threeVolumes();
      const plan = planVolumePrune(engine.state(), options, context);
      const stopping = new AbortController();
      const outcome = await carryOut(plan, false, { recheck: lookAgain(engine), remove: async (r) => { await engine.remove(r.ref); if (r.name === 'a') stopping.abort(); } }, {}, stopping.signal);
      expect(engine.deleted).toEqual(['a']);
      expect(outcome.interrupted).toEqual({ after: 1, of: 3 });
      expect(outcome.notRemoved).toEqual([{ name: 'b', reason: NOT_ATTEMPTED }, { name: 'c', reason: NOT_ATTEMPTED }]);
      expect(toAnswer(outcome, false, 1)).toMatchObject({ removedCount: 1, notRemovedCount: 2, interrupted: { after: 1, of: 3 } });
    });
  });

  it('the README states the number of states checked', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(`${VOLUME_SCENARIOS} generated engine states`);
  });
});
