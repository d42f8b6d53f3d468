// Model-based proof of pruneImages: generated engine states (tagged, untagged, multi-tagged and
// parent images; used by containers in every state; the IoT Edge runtime's and this module's own
// images; all ages) and changes made while a run is under way. The plan and the run are the real
// code; the engine is a model refusing what Moby refuses, and the expectations are written here.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { carryOut } from '../../src/actions/carry-out.js';
import type { ImagePruneOptions } from '../../src/actions/payload.js';
import { type PlanContext, toAnswer } from '../../src/actions/plan.js';
import { type ImageModel, type ImageState, planImagePrune } from '../../src/actions/prune-images.js';

/** Generated engine states checked per run; the README states this number. */
export const IMAGE_SCENARIOS = 10000;

const NOW = new Date('2026-06-01T12:00:00Z');
const HOUR = 3_600_000;
const STATES = ['running', 'exited', 'created', 'paused', 'restarting', 'dead'] as const;
const TAGS = ['app:1', 'app:2', 'app:latest', 'db:5', 'localhost:5000/tools:1'];
const RUNTIME_TAGS = ['mcr.microsoft.com/azureiotedge-agent:1.4', 'mcr.microsoft.com/azureiotedge-hub:1.4', 'myregistry.io/mirror/azureiotedge-hub:1.5'];
const DIGESTS = ['app@sha256:0a0a', 'other@sha256:0b0b', 'mcr.microsoft.com/azureiotedge-agent@sha256:0c0c'];

type Container = ImageState['containers'][number] & { state: (typeof STATES)[number] };

// --- The expectations, written independently of the plan. ---

const repositoryOf = (ref: string) => (ref.includes('@') ? ref.split('@')[0] : ref.replace(/:[^:/]+$/, ''));

const isRuntime = (image: ImageModel, containers: readonly Container[]) =>
  [...image.tags, ...image.digests].some((ref) => /(^|\/)azureiotedge-(agent|hub)$/.test(repositoryOf(ref))) ||
  containers.some((c) => c.imageId === image.id && (c.name === 'edgeAgent' || c.name === 'edgeHub'));
const isSelf = (image: ImageModel, containers: readonly Container[], selfContainerId: string | undefined) =>
  containers.some((c) => c.imageId === image.id && c.id === selfContainerId);
const isRuntimeOrSelf = (image: ImageModel, containers: readonly Container[], selfContainerId: string | undefined) =>
  isRuntime(image, containers) || isSelf(image, containers, selfContainerId);

const isUsed = (id: string, containers: readonly Container[]) => containers.some((c) => c.imageId === id);
const hasChildren = (id: string, images: readonly ImageModel[]) => images.some((i) => i.parentId === id);
const singlyReferenced = (image: ImageModel) => image.tags.length <= 1 && new Set([...image.tags, ...image.digests].map(repositoryOf)).size <= 1;

function isOldEnough(image: ImageModel, hours: number): boolean {
  if (hours === 0) return true;
  const times = [image.createdAt, image.lastTagTime].filter((t) => t !== null).map((t) => Date.parse(t));
  return NOW.getTime() - Math.max(...times) >= hours * HOUR;
}

function matches(image: ImageModel, name: string): boolean {
  const hex = image.id.slice('sha256:'.length);
  return image.tags.includes(name) || image.digests.includes(name) || name === image.id || name === hex || (name.length >= 12 && hex.startsWith(name));
}

// --- A model of the engine's image delete by ID, without force, with noprune. ---

const refusal = (message: string) => Object.assign(new Error('conflict'), { statusCode: 409, json: { message: `conflict: unable to delete (must be forced) - ${message}` } });

class ImageEngine {
  readonly images: Map<string, ImageModel>;
  readonly containers: Container[];
  readonly deleted: string[] = [];
  readonly usedWhenDeleted: boolean[] = [];

  constructor(state: { images: ImageModel[]; containers: Container[] }) {
    this.images = new Map(state.images.map((i) => [i.id, structuredClone(i)]));
    this.containers = [...state.containers];
  }

  state(): ImageState {
    return structuredClone({ images: [...this.images.values()], containers: this.containers });
  }

  async remove(id: string): Promise<void> {
    const image = this.images.get(id);
    if (!image) throw Object.assign(new Error('no such image'), { statusCode: 404 });
    if (isUsed(id, this.containers)) throw refusal('image is being used by a container');
    if (hasChildren(id, [...this.images.values()])) throw refusal('image has dependent child images');
    if (!singlyReferenced(image)) throw refusal('image is referenced in multiple repositories');
    this.usedWhenDeleted.push(isUsed(id, this.containers));
    this.images.delete(id);
    this.deleted.push(id);
  }
}

// --- Generators. ---

const time = fc.noBias(fc.integer({ min: -24 * 60, max: 400 * 60 })).map((minutesAgo) => new Date(NOW.getTime() - minutesAgo * 60_000).toISOString());
const imageId = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => `sha256:${Buffer.from(bytes).toString('hex')}`);

const images: fc.Arbitrary<ImageModel[]> = fc
  .uniqueArray(fc.record({ id: imageId, createdAt: time, lastTagTime: fc.option(time, { nil: null }), parentPick: fc.option(fc.nat(), { nil: undefined, freq: 2 }) }), {
    selector: (i) => i.id,
    minLength: 1,
    maxLength: 8,
    size: 'medium',
  })
  .chain((drafts) => {
    // Each tag and digest belongs to at most one image (runtime ones seldom); parents come earlier in the list, so there are no cycles.
    const owners = (refs: readonly string[], unowned: number) =>
      fc.array(fc.oneof({ weight: unowned, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.nat(drafts.length - 1) }), { minLength: refs.length, maxLength: refs.length });
    return fc.tuple(owners(TAGS, 1), owners(RUNTIME_TAGS, 6), owners(DIGESTS, 3)).map(([tagOwners, runtimeOwners, digestOwners]) =>
      drafts.map(({ id, createdAt, lastTagTime, parentPick }, index) => ({
        id,
        tags: [...TAGS.filter((_, t) => tagOwners[t] === index), ...RUNTIME_TAGS.filter((_, t) => runtimeOwners[t] === index)],
        digests: DIGESTS.filter((_, d) => digestOwners[d] === index),
        parentId: parentPick !== undefined && index > 0 ? drafts[parentPick % index].id : '',
        createdAt,
        lastTagTime,
      })),
    );
  });

const scenario = images.chain((imgs) => {
  const ids = imgs.map((i) => i.id);
  const containers = fc.uniqueArray(
    fc.record({
      id: fc.nat(999).map((n) => `container-${n}`),
      name: fc.oneof(fc.constantFrom('edgeAgent', 'edgeHub'), fc.nat(999).map((n) => `module-${n}`)),
      imageId: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ids) }, { weight: 1, arbitrary: fc.constant('sha256:gone') }),
      state: fc.constantFrom(...STATES),
    }),
    { selector: (c) => c.id, maxLength: 3 },
  );
  const refs = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...ids) },
    { weight: 1, arbitrary: fc.constantFrom(...ids.map((id) => id.slice(7)), ...ids.map((id) => id.slice(7, 19))) },
    { weight: 2, arbitrary: fc.constantFrom('no-such:image', '0123', ...imgs.flatMap((i) => [...i.tags, ...i.digests])) },
  );
  return fc.record({
    images: fc.constant(imgs),
    containers,
    selfPick: fc.option(fc.nat(), { nil: undefined }),
    pruneOlderThanHours: fc.constantFrom(0, 1, 24, 168),
    options: fc.record(
      {
        dryRun: fc.boolean(),
        names: fc.array(refs, { minLength: 1, maxLength: 5 }),
        olderThanHours: fc.constantFrom(0, 2, 24, 100),
        danglingOnly: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      },
      { requiredKeys: ['dryRun', 'danglingOnly'] },
    ),
    interference: fc.array(fc.record({ beforeDelete: fc.nat(3), kind: fc.constantFrom('container', 'removedElsewhere', 'tagged'), state: fc.constantFrom(...STATES) }), { maxLength: 2 }),
  });
});

// --- The properties. ---

const tally = { scenarios: 0, planned: 0, removed: 0, refusedMidRun: 0, wronglyDeleted: 0 };

describe('pruneImages, model-based', () => {
  afterAll(() => {
    console.info(`pruneImages model: ${tally.scenarios} engine states, ${tally.planned} planned removals, ${tally.removed} removed, ` +
      `${tally.refusedMidRun} refused mid-run, ${tally.wronglyDeleted} wrongly deleted`);
  });

  it(`never removes an image in use, of the runtime or of this module; deletes nothing on a dry run; accounts for every candidate (${IMAGE_SCENARIOS} states)`, async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ images, containers, selfPick, pruneOlderThanHours, options, interference }) => {
        tally.scenarios += 1;
        const selfContainerId = selfPick === undefined || containers.length === 0 ? undefined : containers[selfPick % containers.length].id;
        const engine = new ImageEngine({ images, containers });
        const context: PlanContext = { config: { protectedVolumes: [], protectLabel: 'unused', pruneOlderThanHours }, now: NOW, selfContainerId };
        const plan = planImagePrune(engine.state(), options as ImagePruneOptions, context);
        const hours = options.olderThanHours ?? pruneOlderThanHours;
        const byId = new Map(images.map((i) => [i.id, i]));

        const removable = (image: ImageModel) =>
          !isRuntimeOrSelf(image, containers, selfContainerId) &&
          !isUsed(image.id, containers) &&
          !hasChildren(image.id, images) &&
          singlyReferenced(image) &&
          (!options.danglingOnly || image.tags.length === 0) &&
          isOldEnough(image, hours);
        let expectedCandidates: string[];
        let expectedRemovals: string[];
        if (options.names) {
          expectedCandidates = [...new Set(options.names)];
          const firstAsked = new Set<string>();
          expectedRemovals = expectedCandidates.flatMap((name) => {
            const found = images.filter((i) => matches(i, name));
            if (found.length !== 1 || firstAsked.has(found[0].id)) return [];
            firstAsked.add(found[0].id);
            return removable(found[0]) ? [found[0].id] : [];
          });
        } else {
          const considered = images.filter(
            (i) => !(i.tags.length === 0 && i.digests.length === 0 && hasChildren(i.id, images)) && !isUsed(i.id, containers) && (!options.danglingOnly || i.tags.length === 0),
          );
          expectedCandidates = considered.map((i) => i.tags[0] ?? i.id);
          expectedRemovals = considered.filter(removable).map((i) => i.id);
        }
        expect([...plan.remove.map((r) => r.name), ...plan.skip.map((s) => s.name)].sort()).toEqual([...expectedCandidates].sort());
        expect(plan.remove.map((r) => r.ref).sort()).toEqual([...expectedRemovals].sort());
        // Each image kept says why, the strongest reason first.
        const firstAskedAs = new Map<string, string>();
        for (const name of expectedCandidates) {
          const found = images.filter((i) => (options.names ? matches(i, name) : (i.tags[0] ?? i.id) === name));
          if (found.length === 1 && !firstAskedAs.has(found[0].id)) firstAskedAs.set(found[0].id, name);
        }
        for (const { name, reason } of plan.skip) {
          const found = images.filter((i) => (options.names ? matches(i, name) : (i.tags[0] ?? i.id) === name));
          if (found.length === 0) expect(reason).toBe('no such image');
          if (found.length > 1) expect(reason).toMatch(/^matches \d+ images/);
          if (found.length !== 1) continue;
          const [image] = found;
          if (firstAskedAs.get(image.id) !== name) expect(reason).toBe(`the same image as ${firstAskedAs.get(image.id)}`);
          else if (isRuntime(image, containers)) expect(reason).toBe('protected: image of the IoT Edge runtime (edgeAgent/edgeHub)');
          else if (isSelf(image, containers, selfContainerId)) expect(reason).toBe('protected: image of this module');
          else if (isUsed(image.id, containers)) expect(reason).toMatch(/^in use by containers? /);
        }
        tally.planned += plan.remove.length;

        let deletesSeen = 0;
        const outcome = await carryOut(plan, options.dryRun, (r) => engine.remove(r.ref), {
          beforeDelete: async (removal) => {
            for (const event of interference.filter((e) => e.beforeDelete === deletesSeen)) {
              const image = engine.images.get(removal.ref);
              if (event.kind === 'removedElsewhere') engine.images.delete(removal.ref);
              else if (event.kind === 'tagged' && image) image.tags.push(`late/tag:${image.tags.length}`, `late/other:${image.tags.length}`);
              else if (event.kind === 'container') engine.containers.push({ id: 'late', name: 'late-comer', imageId: removal.ref, state: event.state });
            }
            deletesSeen += 1;
          },
        });

        const wrong = engine.deleted.filter(
          (id, i) => isRuntimeOrSelf(byId.get(id) as ImageModel, containers, selfContainerId) || isUsed(id, containers) || engine.usedWhenDeleted[i],
        );
        tally.wronglyDeleted += wrong.length;
        expect(wrong).toEqual([]);

        if (options.dryRun) {
          expect(deletesSeen).toBe(0);
          expect(engine.state()).toEqual(structuredClone({ images, containers }));
        } else {
          expect(outcome.removed.map((r) => r.ref)).toEqual(engine.deleted);
          expect([...outcome.removed, ...outcome.notRemoved].map((r) => r.name).sort()).toEqual(plan.remove.map((r) => r.name).sort());
          for (const s of outcome.notRemoved) expect(s.reason).toMatch(/^(already removed|refused by the engine: conflict: )/);
          if (interference.length === 0) expect(outcome.removed).toEqual(plan.remove);
          tally.removed += outcome.removed.length;
          tally.refusedMidRun += outcome.notRemoved.length;
        }
        const answer = toAnswer(outcome, options.dryRun, 1);
        expect(answer.removedCount + answer.skippedCount).toBe(expectedCandidates.length);
      }),
      { numRuns: IMAGE_SCENARIOS },
    );
    expect(tally.scenarios).toBe(IMAGE_SCENARIOS);
    expect(tally.wronglyDeleted).toBe(0);
  });

  it('the README states the number of states checked', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(`${IMAGE_SCENARIOS} generated engine states`);
  });
});
