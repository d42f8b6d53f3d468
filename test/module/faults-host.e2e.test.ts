// Host faults an operator meets, against the real module process, the local hub and the private
// engine: the engine missing at start or going away mid-run, and the state folder (where the disk
// history lives) full, read-only or holding a corrupt file. Each scenario asserts what the operator
// observes on the twin and in the log. The full and read-only folders are small tmpfs mounts, so
// those scenarios need root (they say so when skipped).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Plant, describeWithEngine } from '../support/engine.js';
import { type ModuleScenario, type Reported, startModuleScenario } from '../support/module-scenario.js';
import { until } from '../support/until.js';
import { startSocketProxy } from '../support/socket-proxy.js';

const HISTORY_FILE = 'disk-history.json';
const ENGINE_SOCKET = (process.env.DOCKER_HOST ?? '').replace(/^unix:\/\//, '');
const ALL_READS = [{ method: 'GET', path: /.*/ }];
const started: ModuleScenario[] = [];
const mounts: string[] = [];

async function scenario(env: Record<string, string>): Promise<ModuleScenario> {
  const s = await startModuleScenario(env);
  started.push(s);
  return s;
}

function folder(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** A tmpfs of `size` at a new folder; false when this process may not mount. */
function tinyMount(size = '64k'): string | false {
  const at = folder('eh-state-mount-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', at], { stdio: 'ignore' });
  } catch {
    return false;
  }
  mounts.push(at);
  return at;
}
const canMount = (() => {
  const probe = tinyMount();
  if (probe === false) return false;
  execFileSync('umount', [mounts.pop() as string]);
  return true;
})();

/** More cycles finish: `count` after now. */
async function cyclesGoOn(s: ModuleScenario, count = 3): Promise<void> {
  const from = Date.now();
  await until(`${count} more cycles`, () => s.cycles().filter((t) => t > from).length >= count, 30_000, () => s.agent.logs().slice(-10).map((l) => l.line));
}

type Health = NonNullable<Reported['health']>;

/** The twin's health once the engine is seen as `reachable`: the Docker checks skipped with the reason, or run again. */
function healthWithEngine(s: ModuleScenario, reachable: boolean): Promise<Health> {
  return until(`the twin with the engine ${reachable ? 'back' : 'away'}`, () => {
    const { agent, health } = s.reported();
    const limits = health?.checks.containers_limits;
    return agent?.engineReachable === reachable && limits && (limits.status === 'skipped') !== reachable && health;
  }, 30_000, () => s.reported());
}

function expectEngineAway(health: Health, socket: string): void {
  expect(health.checks.docker_engine.status).toBe('error');
  const limits = health.checks.containers_limits;
  expect(limits.status).toBe('skipped');
  expect(limits.worst['1'].message).toMatch(new RegExp(`^cannot check: .*not reachable at unix://${socket}`));
  // The host's own checks go on.
  expect(health.checks.disk_space.status).not.toBe('skipped');
}

/** The history file's sample count for its first filesystem. */
function samplesIn(file: string): number {
  return (JSON.parse(readFileSync(file, 'utf8')) as { filesystems: { samples: unknown[] }[] }).filesystems[0].samples.length;
}

/** Fills the filesystem at `at` to the last byte. */
function fill(at: string): void {
  const filler = path.join(at, 'filler');
  const chunk = Buffer.alloc(4096);
  try {
    for (;;) writeFileSync(filler, chunk, { flag: 'a' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
}

const notesOf = (s: ModuleScenario) => s.logged('collector note source=diskHistory');
const clearedOf = (s: ModuleScenario) => s.logged('collector note cleared source=diskHistory');

describeWithEngine('the module under host faults', () => {
  const plant = new Plant();

  beforeAll(async () => {
    // A container for containers.limits to judge, so "checked again" is a result, not "nothing to check".
    await plant.container({ name: 'judged' });
  });

  afterAll(async () => {
    await Promise.all(started.map((s) => s.close()));
    for (const at of mounts) execFileSync('umount', [at]);
    await plant.cleanup();
  });

  describe.concurrent('side by side', () => {
    it('engine missing at start: cycles go on, Docker checks skipped with the reason, disk checks run; the engine appears and the next cycles check it again', async () => {
      const socket = path.join(folder('eh-engine-'), 'docker.sock');
      const s = await scenario({ DOCKER_HOST: `unix://${socket}` });
      expectEngineAway(await healthWithEngine(s, false), socket);
      await cyclesGoOn(s);
      const engine = await startSocketProxy(ENGINE_SOCKET, ALL_READS, { socketPath: socket });
      try {
        const back = await healthWithEngine(s, true);
        expect(back.checks.docker_engine.status).toBe('ok');
        expect(Object.values(back.checks.containers_limits.worst).some((w) => w.subject === plant.name('judged'))).toBe(true);
        expect(s.agent.child.exitCode).toBeNull();
      } finally {
        await engine.close();
      }
    }, 120_000);

    it('engine gone mid-run: cycles go on, Docker checks skipped with the reason; back, and the next cycles check it again', async () => {
      const socket = path.join(folder('eh-engine-'), 'docker.sock');
      let engine = await startSocketProxy(ENGINE_SOCKET, ALL_READS, { socketPath: socket });
      try {
        const s = await scenario({ DOCKER_HOST: engine.dockerHost });
        await healthWithEngine(s, true);
        await engine.close();
        expectEngineAway(await healthWithEngine(s, false), socket);
        await cyclesGoOn(s);
        engine = await startSocketProxy(ENGINE_SOCKET, ALL_READS, { socketPath: socket });
        expect((await healthWithEngine(s, true)).checks.docker_engine.status).toBe('ok');
        expect(s.agent.child.exitCode).toBeNull();
      } finally {
        await engine.close();
      }
    }, 120_000);

    it('state folder holds a corrupt history: set aside (kept), said once, a new one starts; cycles go on', async () => {
      const state = folder('eh-state-');
      writeFileSync(path.join(state, HISTORY_FILE), '{"version": 1, "filesystems": [{"path": "/"');
      const s = await scenario({ EDGE_HEALTH_STATE_FOLDER: state });
      await cyclesGoOn(s);
      expect(notesOf(s)).toHaveLength(1);
      expect(notesOf(s)[0]).toContain('is not in the expected form');
      expect(clearedOf(s)).toHaveLength(1);
      expect(readFileSync(path.join(state, `${HISTORY_FILE}.rejected`), 'utf8')).toBe('{"version": 1, "filesystems": [{"path": "/"');
      expect(readdirSync(state).sort()).toEqual([HISTORY_FILE, `${HISTORY_FILE}.rejected`]);
      expect(samplesIn(path.join(state, HISTORY_FILE))).toBeGreaterThanOrEqual(3);
    }, 120_000);

    it.skipIf(!canMount)(`state folder full (ENOSPC)${canMount ? '' : ' [skipped: needs root to mount a tmpfs]'}: cycles go on, said once with the reason, no temporary file, the saved history intact and nothing lost once there is room`, async () => {
      const state = tinyMount() as string;
      const file = path.join(state, HISTORY_FILE);
      const s = await scenario({ EDGE_HEALTH_STATE_FOLDER: state });
      await until('a saved history', () => readdirSync(state).includes(HISTORY_FILE) && samplesIn(file) >= 2, 30_000);
      fill(state);
      const saved = readFileSync(file, 'utf8');
      await cyclesGoOn(s);
      expect(notesOf(s)).toHaveLength(1);
      expect(notesOf(s)[0]).toContain('ENOSPC');
      expect(readdirSync(state).sort()).toEqual([HISTORY_FILE, 'filler']);
      expect(readFileSync(file, 'utf8')).toBe(saved);
      const cyclesWhileFull = s.cycles().length;

      rmSync(path.join(state, 'filler'));
      await until('the history saved again, with what was kept while full', () => samplesIn(file) > JSON.parse(saved).filesystems[0].samples.length + 3, 30_000);
      await until('the note cleared', () => clearedOf(s).length === 1, 10_000);
      expect(samplesIn(file)).toBeGreaterThanOrEqual(cyclesWhileFull - 1);
      expect(readdirSync(state)).toEqual([HISTORY_FILE]);
      expect(notesOf(s)).toHaveLength(1);
    }, 120_000);

    it.skipIf(!canMount)(`state folder read-only${canMount ? '' : ' [skipped: needs root to mount a tmpfs]'}: cycles go on, said once with the reason, the saved history intact and nothing lost once writable`, async () => {
      const state = tinyMount() as string;
      const file = path.join(state, HISTORY_FILE);
      const s = await scenario({ EDGE_HEALTH_STATE_FOLDER: state });
      await until('a saved history', () => readdirSync(state).includes(HISTORY_FILE) && samplesIn(file) >= 2, 30_000);
      execFileSync('mount', ['-o', 'remount,ro', state]);
      const saved = readFileSync(file, 'utf8');
      await cyclesGoOn(s);
      expect(notesOf(s)).toHaveLength(1);
      expect(notesOf(s)[0]).toContain('EROFS');
      expect(readdirSync(state)).toEqual([HISTORY_FILE]);
      expect(readFileSync(file, 'utf8')).toBe(saved);
      const cyclesWhileReadOnly = s.cycles().length;

      execFileSync('mount', ['-o', 'remount,rw', state]);
      await until('the history saved again, with what was kept meanwhile', () => samplesIn(file) > JSON.parse(saved).filesystems[0].samples.length + 3, 30_000);
      await until('the note cleared', () => clearedOf(s).length === 1, 10_000);
      expect(samplesIn(file)).toBeGreaterThanOrEqual(cyclesWhileReadOnly - 1);
      expect(readdirSync(state)).toEqual([HISTORY_FILE]);
    }, 120_000);
  });
});
