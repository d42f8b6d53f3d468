// The prune scenarios of the model-based tests, fewer, on the real private engine: planted volumes
// and images, used by containers in every state, protected every way; concurrent calls; and a
// container created on a planned volume (by name or binding its data folder) or image between plan
// and delete.
// Real runs always name what they may remove (`names`): the engine is shared with other tests.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionLock } from '../../src/actions/action-lock.js';
import type { PruneAnswer } from '../../src/actions/plan.js';
import { planVolumePrune, pruneVolumes } from '../../src/actions/prune-volumes.js';
import { type PruneDeps, type PruneResult, runPrune } from '../../src/actions/run-prune.js';
import { type EngineConnection, connectEngine } from '../../src/engine/connection.js';
import { type Config, defaultConfig } from '../../src/config/settings.js';
import { Plant, TEST_ENGINE_ENDPOINT, TEST_IMAGE, describeWithEngine } from '../support/engine.js';

/** Generated scenarios planted on the real engine per run; the README states this number. */
export const ENGINE_SCENARIOS = 8;

const HOUR = 3_600_000;
/** Everything planted here is seconds old; the prune's clock is set this far ahead to make it old. */
const AGE_HOURS = 48;
const later = () => new Date(Date.now() + AGE_HOURS * HOUR);
const config: Config = { ...defaultConfig(), logLevel: 'silent' };

function answerOf(result: PruneResult): PruneAnswer {
  if (result.status !== 200) throw new Error(`expected 200, got ${result.status}: ${JSON.stringify(result.payload)}`);
  return result.payload;
}
const names = (items: { name: string }[]) => items.map((i) => i.name).sort();

describe('the README', () => {
  it('states the number of scenarios planted on the engine', () => {
    expect(readFileSync(new URL('../../README.md', import.meta.url), 'utf8')).toContain(`${ENGINE_SCENARIOS} generated scenarios`);
  });
});

describeWithEngine('pruneVolumes on the real engine', () => {
  const plants: Plant[] = [];
  const anonymous: string[] = [];
  let engine: EngineConnection;
  let dataRoot: string;
  const tally = { scenarios: 0, volumes: 0, removed: 0, wronglyDeleted: 0 };

  beforeAll(async () => {
    engine = await connectEngine(TEST_ENGINE_ENDPOINT, AbortSignal.timeout(10_000));
    dataRoot = (await engine.docker.info()).DockerRootDir;
  });
  afterAll(async () => {
    console.info(`pruneVolumes on the engine: ${tally.scenarios} scenarios, ${tally.volumes} planted volumes, ${tally.removed} removed, ${tally.wronglyDeleted} wrongly deleted`);
    await Promise.all(plants.map((p) => p.cleanup()));
    const { Volumes } = await engine.docker.listVolumes();
    await Promise.all((Volumes ?? []).filter((v) => anonymous.includes(v.Name)).map((v) => engine.docker.getVolume(v.Name).remove()));
  });

  type Protection = 'none' | 'label' | 'pattern' | 'system';
  type User = 'none' | 'running' | 'exited' | 'created' | 'bind';
  const volumeSpec = fc.oneof(
    fc.record({
      anonymous: fc.constant(false),
      protection: fc.constantFrom<Protection>('none', 'none', 'none', 'label', 'pattern', 'system'),
      user: fc.constantFrom<User>('none', 'none', 'none', 'running', 'exited', 'created', 'bind'),
    }),
    fc.record({ anonymous: fc.constant(true), protection: fc.constant<Protection>('none'), user: fc.constantFrom<User>('none', 'none', 'exited', 'created', 'bind') }),
  );

  /** Plants one volume as specified; returns its name. */
  async function plantVolume(plant: Plant, index: number, spec: { anonymous: boolean; protection: Protection; user: User }): Promise<string> {
    const { docker } = plant;
    let name: string;
    if (spec.anonymous) {
      // An anonymous volume is made by the engine for a container; it stays, unused, when that container goes.
      const maker = await docker.createContainer({ name: plant.name(`anon-${index}`), Image: TEST_IMAGE, Cmd: ['true'], Volumes: { '/anon': {} }, HostConfig: { NetworkMode: 'none' } });
      name = (await maker.inspect()).Mounts.find((m) => m.Destination === '/anon')?.Name as string;
      anonymous.push(name);
      await maker.remove();
    } else {
      const base = spec.protection === 'pattern' ? `keep-${index}` : `vol-${index}`;
      name = await plant.volume(base, {
        bytes: 4096 * (index + 1),
        labels: spec.protection === 'label' ? { [config.protectLabel]: 'true' } : undefined,
        exactName: spec.protection === 'system' ? `edgeHub-${plant.prefix}${index}` : undefined,
      });
    }
    if (spec.user === 'bind') {
      await plant.container({ name: `binder-${index}`, volumes: { [`${dataRoot}/volumes/${name}/_data`]: '/raw' } });
    } else if (spec.user !== 'none') {
      const user = await plant.container({ name: `user-${index}`, volumes: { [name]: '/data' }, cmd: spec.user === 'exited' ? ['true'] : undefined, start: spec.user !== 'created' });
      if (spec.user === 'exited') await user.wait();
    }
    return name;
  }

  it(`plans exactly the unused, unprotected, old enough volumes; a dry run deletes nothing; the real run deletes exactly that plan (${ENGINE_SCENARIOS} scenarios)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(volumeSpec, { minLength: 3, maxLength: 6 }),
        fc.constantFrom(0, 0, 24, 24, 100),
        fc.constantFrom(false, false, true),
        async (generated, olderThanHours, anonymousOnly) => {
          tally.scenarios += 1;
          // Plus one plain named and one anonymous leftover, so each scenario has something to remove.
          const specs = [...generated, { anonymous: false, protection: 'none' as const, user: 'none' as const }, { anonymous: true, protection: 'none' as const, user: 'none' as const }];
          const plant = new Plant();
          plants.push(plant);
          const scenarioConfig = { ...config, protectedVolumes: [`${plant.prefix}keep-*`] };
          const planted = await Promise.all(specs.map((spec, i) => plantVolume(plant, i, spec)));
          tally.volumes += planted.length;
          const removable = planted.filter((_, i) => {
            const { anonymous: anon, protection, user } = specs[i];
            return protection === 'none' && user === 'none' && AGE_HOURS >= olderThanHours && (!anonymousOnly || anon);
          });
          const mustStay = planted.filter((_, i) => specs[i].protection !== 'none' || specs[i].user !== 'none');

          // The plan over the whole engine, as a call without names makes it, restricted to what this scenario planted.
          const state = await pruneVolumes.read(engine, AbortSignal.timeout(20_000));
          const fullPlan = planVolumePrune(state, { dryRun: true, olderThanHours, anonymousOnly }, { config: scenarioConfig, now: later() });
          expect(fullPlan.remove.map((r) => r.name).filter((n) => planted.includes(n)).sort()).toEqual([...removable].sort());
          const unusedPlanted = planted.filter((_, i) => specs[i].user === 'none' && (!anonymousOnly || specs[i].anonymous));
          expect([...fullPlan.remove, ...fullPlan.skip].map((r) => r.name).filter((n) => planted.includes(n)).sort()).toEqual(unusedPlanted.sort());

          const deps: PruneDeps = { config: scenarioConfig, engineEndpoint: TEST_ENGINE_ENDPOINT, lock: new ActionLock(), requestedBy: 'test', now: later };
          const payload = { names: planted, olderThanHours, anonymousOnly };
          const dry = answerOf(await runPrune('volumes', { ...payload }, deps));
          expect(names(dry.removed)).toEqual([...removable].sort());
          expect(dry.removedCount + dry.skippedCount).toBe(planted.length);
          const after = async () => new Set(((await engine.docker.listVolumes()).Volumes ?? []).map((v) => v.Name));
          const afterDry = await after();
          expect(planted.filter((n) => !afterDry.has(n))).toEqual([]);

          const real = answerOf(await runPrune('volumes', { ...payload, dryRun: false }, deps));
          expect(real.removed).toEqual(dry.removed);
          expect(real.notRemovedCount).toBe(0);
          for (const r of real.removed.filter((r) => !specs[planted.indexOf(r.name)].anonymous)) expect(r.bytes).toBeGreaterThanOrEqual(4096);
          const afterReal = await after();
          tally.removed += planted.filter((n) => !afterReal.has(n)).length;
          const wronglyDeleted = mustStay.filter((n) => !afterReal.has(n));
          tally.wronglyDeleted += wronglyDeleted.length;
          expect(wronglyDeleted).toEqual([]);
          expect(removable.filter((n) => afterReal.has(n))).toEqual([]);
          await plant.cleanup();
        },
      ),
      { numRuns: ENGINE_SCENARIOS, endOnFailure: true },
    );
    expect(tally.wronglyDeleted).toBe(0);
  }, 300_000);

  /** A real prune of exactly these volumes, whatever their age, with `beforeDelete` changing the engine between plan and delete. */
  const pruneNowWithInterference = (planned: string[], beforeDelete: NonNullable<PruneDeps['beforeDelete']>) =>
    runPrune('volumes', { dryRun: false, names: planned, olderThanHours: 0 }, { config, engineEndpoint: TEST_ENGINE_ENDPOINT, lock: new ActionLock(), requestedBy: 'test', beforeDelete });

  it('a container created on a planned volume between plan and delete: the last look sees it, the volume is reported and kept, the rest removed', async () => {
    const plant = new Plant();
    plants.push(plant);
    const planned = await Promise.all(['a', 'b', 'c'].map((base) => plant.volume(base)));
    const result = await pruneNowWithInterference(planned, async (removal) => {
      // Never started: a user all the same.
      if (removal.name === planned[1]) await plant.container({ name: 'late-comer', volumes: { [removal.name]: '/data' }, start: false });
    });
    const answer = answerOf(result);
    expect(names(answer.removed)).toEqual([planned[0], planned[2]].sort());
    expect(answer.notRemovedCount).toBe(1);
    expect(answer.skipped).toEqual([{ name: planned[1], reason: `changed since the plan: in use by container ${plant.name('late-comer')}` }]);
    const { Volumes } = await engine.docker.listVolumes();
    expect((Volumes ?? []).map((v) => v.Name).filter((n) => planned.includes(n))).toEqual([planned[1]]);
    await plant.cleanup();
  });

  it("a running container binding a planned volume's _data folder between plan and delete, which the engine cannot see: kept, with its data", async () => {
    const plant = new Plant();
    plants.push(plant);
    const planned = await Promise.all(['x', 'y'].map((base) => plant.volume(base, { bytes: 4096 })));
    const result = await pruneNowWithInterference(planned, async (removal) => {
      if (removal.name === planned[0]) await plant.container({ name: 'binder', volumes: { [`${dataRoot}/volumes/${removal.name}/_data`]: '/d' } });
    });
    const answer = answerOf(result);
    expect(names(answer.removed)).toEqual([planned[1]]);
    expect(answer.skipped).toEqual([{ name: planned[0], reason: `changed since the plan: in use by container ${plant.name('binder')}` }]);
    const binder = plant.docker.getContainer(plant.name('binder'));
    const exec = await binder.exec({ Cmd: ['wc', '-c', '/d/fill'], AttachStdout: true });
    const output = await new Promise<string>((resolve, reject) => {
      exec.start({}, (error, stream) => {
        if (error || !stream) return reject(error);
        let text = '';
        stream.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
        stream.on('end', () => resolve(text));
      });
    });
    expect(output).toContain('4096 /d/fill');
    await plant.cleanup();
  });

  it('two prune calls at once: one runs, the other gets 409 and removes nothing; the lock is free afterwards', async () => {
    const plant = new Plant();
    plants.push(plant);
    const planned = await Promise.all(['p', 'q'].map((base) => plant.volume(base)));
    const lock = new ActionLock();
    let insideFirst!: () => void;
    const firstIsDeleting = new Promise<void>((resolve) => (insideFirst = resolve));
    let letFirstGoOn!: () => void;
    const firstMayGoOn = new Promise<void>((resolve) => (letFirstGoOn = resolve));
    const first = runPrune('volumes', { dryRun: false, names: planned, olderThanHours: 0 }, {
      config,
      engineEndpoint: TEST_ENGINE_ENDPOINT,
      lock,
      requestedBy: 'first',
      beforeDelete: async () => {
        insideFirst();
        await firstMayGoOn;
      },
    });
    await firstIsDeleting;
    // The first holds the lock while it talks to the engine: a second real run is refused, a dry run answers.
    const second = await runPrune('volumes', { dryRun: false, names: planned, olderThanHours: 0 }, { config, engineEndpoint: TEST_ENGINE_ENDPOINT, lock, requestedBy: 'second' });
    expect(second.status).toBe(409);
    expect(second.payload).toMatchObject({ error: expect.stringMatching(/^another destructive action is running: pruneVolumes \(first, since /) });
    const images = await runPrune('images', { dryRun: false, names: ['no-such:image'] }, { config, engineEndpoint: TEST_ENGINE_ENDPOINT, lock, requestedBy: 'third' });
    expect(images.status).toBe(409);
    const dry = answerOf(await runPrune('volumes', { names: planned, olderThanHours: 0 }, { config, engineEndpoint: TEST_ENGINE_ENDPOINT, lock, requestedBy: 'dry' }));
    expect(dry.dryRun).toBe(true);
    letFirstGoOn();
    expect(names(answerOf(await first).removed)).toEqual([...planned].sort());
    expect(lock.current).toBeUndefined();

    // Started together: exactly one of them gets the lock.
    const more = await Promise.all(['r', 's'].map((base) => plant.volume(base)));
    const racing = await Promise.all(
      [1, 2].map((n) => runPrune('volumes', { dryRun: false, names: more, olderThanHours: 0 }, { config, engineEndpoint: TEST_ENGINE_ENDPOINT, lock, requestedBy: `racer ${n}` })),
    );
    expect(racing.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(names(answerOf(racing.find((r) => r.status === 200) as PruneResult).removed)).toEqual([...more].sort());
    await plant.cleanup();
  });
});

describeWithEngine('pruneImages on the real engine', () => {
  const plant = new Plant();
  const images: Record<string, string> = {};
  let selfContainerId: string;

  /** A new image (a commit of a stopped container of `from`), tagged with each of `tags` (none: dangling). */
  async function plantImage(key: string, from: string, tags: string[]): Promise<string> {
    // A file of its own, so each image has a layer (and a size) of its own.
    const source = await plant.docker.createContainer({ name: plant.name(`src-${key}`), Image: from, Cmd: ['sh', '-c', `echo ${key} > /marker`], HostConfig: { NetworkMode: 'none' } });
    await source.start();
    await source.wait();
    const [repo, tag] = tags.length > 0 ? [tags[0].slice(0, tags[0].lastIndexOf(':')), tags[0].slice(tags[0].lastIndexOf(':') + 1)] : [undefined, undefined];
    const { Id } = (await source.commit({ repo, tag })) as { Id: string };
    for (const extra of tags.slice(1)) {
      await plant.docker.getImage(Id).tag({ repo: extra.slice(0, extra.lastIndexOf(':')), tag: extra.slice(extra.lastIndexOf(':') + 1) });
    }
    await source.remove();
    images[key] = Id;
    return Id;
  }

  const tagOf = (key: string) => `${plant.prefix}img/${key}:1`;

  beforeAll(async () => {
    await plantImage('unused', TEST_IMAGE, [tagOf('unused')]);
    await plantImage('dangling', TEST_IMAGE, []);
    await plantImage('stopped-user', TEST_IMAGE, [tagOf('stopped-user')]);
    await plantImage('never-started-user', TEST_IMAGE, [tagOf('never-started-user')]);
    await plantImage('two-tags', TEST_IMAGE, [tagOf('two-tags'), `${plant.prefix}img/other:2`]);
    await plantImage('runtime', TEST_IMAGE, [`${plant.prefix}registry/azureiotedge-hub:1.4`]);
    await plantImage('parent', TEST_IMAGE, [tagOf('parent')]);
    await plantImage('child', tagOf('parent'), [tagOf('child')]);
    await plantImage('self', TEST_IMAGE, [tagOf('self')]);
    await plantImage('late', TEST_IMAGE, [tagOf('late')]);
    await plantImage('young', TEST_IMAGE, [tagOf('young')]);
    const user = await plant.docker.createContainer({ name: plant.name('stopped-user'), Image: images['stopped-user'], Cmd: ['true'], HostConfig: { NetworkMode: 'none' } });
    await user.start();
    await user.wait();
    await plant.docker.createContainer({ name: plant.name('never-started-user'), Image: images['never-started-user'], Cmd: ['true'], HostConfig: { NetworkMode: 'none' } });
    const self = await plant.docker.createContainer({ name: plant.name('self'), Image: images.self, Cmd: ['sleep', '3600'], HostConfig: { NetworkMode: 'none' } });
    selfContainerId = self.id;
  });
  afterAll(async () => {
    await plant.cleanup();
    // Children first, so each removal succeeds.
    for (const key of ['child', ...Object.keys(images).filter((k) => k !== 'child')]) {
      await plant.docker.getImage(images[key]).remove({ force: true }).catch(() => undefined);
    }
  });

  const requested = () => ['unused', 'dangling', 'stopped-user', 'never-started-user', 'two-tags', 'runtime', 'parent', 'child', 'self'].map((k) => images[k]);

  it('plans only unused, singly tagged, childless images that are not the runtime\'s or its own; the dry run deletes nothing; the real run exactly the plan', async () => {
    const deps: PruneDeps = { config, engineEndpoint: TEST_ENGINE_ENDPOINT, lock: new ActionLock(), requestedBy: 'test', selfContainerId, now: later };
    const reasonFor = (answer: PruneAnswer, key: string) => answer.skipped.find((s) => s.name === images[key])?.reason;
    const dry = answerOf(await runPrune('images', { names: requested(), olderThanHours: 24 }, deps));
    expect(names(dry.removed)).toEqual([images.unused, images.dangling, images.child].sort());
    expect(reasonFor(dry, 'stopped-user')).toMatch(/^in use by container .*stopped-user$/);
    expect(reasonFor(dry, 'never-started-user')).toMatch(/^in use by container .*never-started-user$/);
    expect(reasonFor(dry, 'two-tags')).toMatch(/^has several references \(.+, .+\); the engine then removes it only by force, which prune never uses/);
    expect(reasonFor(dry, 'two-tags')).toContain(tagOf('two-tags'));
    expect(reasonFor(dry, 'two-tags')).toContain(`${plant.prefix}img/other:2`);
    expect(reasonFor(dry, 'runtime')).toBe('protected: image of the IoT Edge runtime (edgeAgent/edgeHub)');
    expect(reasonFor(dry, 'parent')).toBe('other images are built on it; the engine removes it only after them');
    expect(reasonFor(dry, 'self')).toBe('protected: image of this module');
    for (const removed of dry.removed) expect(removed.bytes).toBeGreaterThan(0);
    const present = async () => new Set((await plant.docker.listImages({ all: true })).map((i) => i.Id));
    const afterDry = await present();
    expect(requested().filter((id) => !afterDry.has(id))).toEqual([]);

    const real = answerOf(await runPrune('images', { dryRun: false, names: requested(), olderThanHours: 24 }, deps));
    expect(real.removed).toEqual(dry.removed);
    expect(real.notRemovedCount).toBe(0);
    const after = await present();
    expect(requested().filter((id) => !after.has(id)).sort()).toEqual([images.unused, images.dangling, images.child].sort());
    // The parent, now childless, goes in a next run: one call deletes exactly one image.
    const next = answerOf(await runPrune('images', { dryRun: false, names: [images.parent], olderThanHours: 24 }, deps));
    expect(names(next.removed)).toEqual([images.parent]);
  });

  it('younger images stay unless olderThanHours allows them; danglingOnly keeps tagged ones', async () => {
    const deps: PruneDeps = { config, engineEndpoint: TEST_ENGINE_ENDPOINT, lock: new ActionLock(), requestedBy: 'test' };
    const young = answerOf(await runPrune('images', { names: [images.young] }, deps));
    expect(young.skipped).toEqual([{ name: images.young, reason: expect.stringMatching(/^created 0\.0 h ago, less than 24 h \(olderThanHours\)$/) }]);
    const dangling = answerOf(await runPrune('images', { names: [images.young], olderThanHours: 0, danglingOnly: true }, deps));
    expect(dangling.skipped).toEqual([{ name: images.young, reason: 'tagged, and danglingOnly is set' }]);
    expect(names(answerOf(await runPrune('images', { names: [images.young], olderThanHours: 0 }, deps)).removed)).toEqual([images.young]);
  });

  it('a container created from a planned image between plan and delete: the last look sees it, reported, kept', async () => {
    const answer = answerOf(
      await runPrune('images', { dryRun: false, names: [tagOf('late')], olderThanHours: 0 }, {
        config,
        engineEndpoint: TEST_ENGINE_ENDPOINT,
        lock: new ActionLock(),
        requestedBy: 'test',
        beforeDelete: async () => {
          await plant.docker.createContainer({ name: plant.name('late-user'), Image: images.late, Cmd: ['true'], HostConfig: { NetworkMode: 'none' } });
        },
      }),
    );
    expect(answer.removedCount).toBe(0);
    expect(answer.skipped).toEqual([{ name: tagOf('late'), reason: `changed since the plan: in use by container ${plant.name('late-user')}` }]);
    expect((await plant.docker.listImages()).some((i) => i.Id === images.late)).toBe(true);
  });
});
