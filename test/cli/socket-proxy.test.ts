// Least-privilege engine access: behind an allow-list Docker API proxy, `check` works with GETs
// alone, a prune whose deletes the proxy refuses reports each one and removes nothing, and with
// the two DELETEs allowed it prunes. Also the plan-to-delete race the issue reproduced: deletes
// held a second each, a container binding a planned volume's _data folder mid-run keeps it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PruneAnswer } from '../../src/actions/plan.js';
import type { Report } from '../../src/report/build.js';
import { runCli } from '../support/cli.js';
import { Plant, describeWithEngine } from '../support/engine.js';
import { PRUNE_RULES, READ_ONLY_RULES, type SocketProxy, startSocketProxy } from '../support/socket-proxy.js';

const engineSocket = () => (process.env.DOCKER_HOST ?? '').replace(/^unix:\/\//, '');

describeWithEngine('behind an allow-list socket proxy', () => {
  const plant = new Plant();
  const proxies: SocketProxy[] = [];
  const proxy = async (...args: Parameters<typeof startSocketProxy> extends [string, ...infer Rest] ? Rest : never) => {
    const started = await startSocketProxy(engineSocket(), ...args);
    proxies.push(started);
    return started;
  };
  let dataRoot: string;

  beforeAll(async () => {
    dataRoot = (await plant.docker.info()).DockerRootDir;
    await plant.container({ name: 'running' });
  });
  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    await plant.cleanup();
  });

  it('check: every Docker source collected through GETs alone, nothing else attempted', async () => {
    const readOnly = await proxy(READ_ONLY_RULES);
    const { stdout } = await runCli(['check', '--json'], { DOCKER_HOST: readOnly.dockerHost });
    const report = JSON.parse(stdout) as Report;
    expect(report.sources.docker).toMatchObject({ ok: true });
    for (const [source, status] of Object.entries(report.sources)) expect(status.error ?? '', source).not.toContain('not allowed by the socket proxy');
    expect(readOnly.seen.length).toBeGreaterThan(0);
    expect(readOnly.seen.filter((r) => !r.allowed || r.method !== 'GET')).toEqual([]);
  });

  it('prune --yes with deletes refused by the proxy: each reported, nothing removed, nothing else attempted', async () => {
    const readOnly = await proxy(READ_ONLY_RULES);
    const names = await Promise.all(['ro-a', 'ro-b'].map((base) => plant.volume(base)));
    const { stdout } = await runCli(['prune', 'volumes', '--names', names.join(','), '--older-than-hours', '0', '--yes', '--json'], { DOCKER_HOST: readOnly.dockerHost });
    const answer = JSON.parse(stdout) as PruneAnswer;
    expect(answer.removedCount).toBe(0);
    expect(answer.skipped.map((s) => s.name).sort()).toEqual([...names].sort());
    for (const s of answer.skipped) expect(s.reason).toContain('not allowed by the socket proxy');
    expect(readOnly.seen.filter((r) => !r.allowed)).toEqual(names.map((name) => ({ method: 'DELETE', path: `/volumes/${name}`, allowed: false })).sort((a, b) => a.path.localeCompare(b.path)));
    const { Volumes } = await plant.docker.listVolumes();
    expect((Volumes ?? []).filter((v) => names.includes(v.Name)).length).toBe(2);
  });

  it('deletes held a second each; a container binding a planned _data folder mid-run: that volume is kept, the others go', async () => {
    const slow = await proxy([...READ_ONLY_RULES, ...PRUNE_RULES], { holdDeletesMs: 1_000 });
    const names = await Promise.all(['race-a', 'race-b', 'race-c'].map((base) => plant.volume(base, { bytes: 1024 })));
    const pruning = runCli(['prune', 'volumes', '--names', names.join(','), '--older-than-hours', '0', '--yes', '--json'], { DOCKER_HOST: slow.dockerHost });
    // As soon as the first delete is on its way, start a container on the last volume's data folder.
    for (let waited = 0; !slow.seen.some((r) => r.method === 'DELETE') && waited < 20_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    await plant.container({ name: 'late-binder', volumes: { [`${dataRoot}/volumes/${names[2]}/_data`]: '/d' } });
    const answer = JSON.parse((await pruning).stdout) as PruneAnswer;
    expect(answer.removed.map((r) => r.name).sort()).toEqual([names[0], names[1]].sort());
    expect(answer.skipped).toEqual([{ name: names[2], reason: `changed since the plan: in use by container ${plant.name('late-binder')}` }]);
    const { Volumes } = await plant.docker.listVolumes();
    expect((Volumes ?? []).map((v) => v.Name).filter((n) => names.includes(n))).toEqual([names[2]]);
  }, 60_000);
});
