// `edge-health prune` as an operator logged in to the device meets it: the built program, the
// private engine, a dry run and then the real run. Runs name their volumes: the engine is shared.
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PruneAnswer } from '../../src/actions/plan.js';
import { runCli } from '../support/cli.js';
import { Plant, describeWithEngine } from '../support/engine.js';
import { parseLogLines } from '../support/iotedge-log.js';

describe('edge-health prune, refusals', () => {
  it('lists its options in --help', async () => {
    const { code, stdout } = await runCli(['prune', 'volumes', '--help']);
    expect(code).toBe(0);
    for (const option of ['--yes', '--names <names>', '--older-than-hours <hours>', '--anonymous-only', '--json', '--protected-volumes <names>', '--no-prune-enabled']) {
      expect(stdout).toContain(option);
    }
    expect((await runCli(['prune', 'images', '--help'])).stdout).toContain('--dangling-only');
  });

  it('refuses a bad value naming the flag, and a flag of the other kind, with exit code 2', async () => {
    const negative = await runCli(['prune', 'volumes', '--older-than-hours', '-3']);
    expect(negative).toMatchObject({ code: 2, stdout: '' });
    expect(negative.stderr).toContain('edge-health: --older-than-hours: must be at least 0, got -3');
    const wrongKind = await runCli(['prune', 'images', '--anonymous-only']);
    expect(wrongKind.code).toBe(2);
    expect(wrongKind.stderr).toContain("unknown option '--anonymous-only'");
  });

  it('without an engine says so, with exit code 2', async () => {
    const { code, stderr } = await runCli(['prune', 'volumes'], { DOCKER_HOST: `unix://${path.join(tmpdir(), 'no-such-engine.sock')}` });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^edge-health: cannot read the engine's state: Docker engine not reachable at unix:\/\//m);
  });
});

describeWithEngine('edge-health prune volumes, dry run then for real', () => {
  const plant = new Plant();
  let leftover: string;
  let inUse: string;
  let kept: string;
  let named: string;

  beforeAll(async () => {
    leftover = await plant.volume('old-cache', { bytes: 300_000 });
    inUse = await plant.volume('db');
    await plant.container({ name: 'db', volumes: { [inUse]: '/var/lib/db' } });
    kept = await plant.volume('certs', { labels: { 'edge-health.protect': 'true' } });
    named = [leftover, inUse, kept].join(',');
  });
  afterAll(() => plant.cleanup());

  it('shows the plan, deletes nothing, and says how to go on', async () => {
    const { code, stdout } = await runCli(['prune', 'volumes', '--names', named, '--older-than-hours', '0']);
    console.info(`$ edge-health prune volumes --names ${named} --older-than-hours 0\n${stdout}`);
    // Two of the three named volumes would stay: exit code 1 says so.
    expect(code).toBe(1);
    const [summary, ...rows] = stdout.trimEnd().split('\n');
    expect(summary).toMatch(/^Dry run: would remove 1 volume \(29\d KiB\); 2 kept\.$/);
    expect(rows[0]).toMatch(new RegExp(`^  remove  ${leftover} +29\\d KiB$`));
    expect(rows[1]).toMatch(new RegExp(`^  keep    ${inUse} +in use by container ${plant.name('db')}$`));
    expect(rows[2]).toMatch(new RegExp(`^  keep    ${kept} +protected: carries label edge-health.protect$`));
    expect(rows[3]).toBe('Nothing was removed; run again with --yes to remove them.');
    const { Volumes } = await plant.docker.listVolumes();
    expect((Volumes ?? []).map((v) => v.Name)).toContain(leftover);
  });

  it('answers the same as the direct method with --json', async () => {
    const { stdout } = await runCli(['prune', 'volumes', '--names', named, '--older-than-hours', '0', '--json']);
    const answer = JSON.parse(stdout) as PruneAnswer;
    expect(answer).toEqual({
      dryRun: true,
      removed: [{ name: leftover, bytes: expect.any(Number) }],
      removedCount: 1,
      skipped: [
        { name: inUse, reason: `in use by container ${plant.name('db')}` },
        { name: kept, reason: 'protected: carries label edge-health.protect' },
      ],
      skippedCount: 2,
      notRemovedCount: 0,
      reclaimedBytes: answer.removed[0].bytes,
      durationMs: expect.any(Number),
    });
  });

  it('refuses a real run where pruning is disabled, with exit code 2', async () => {
    const { code, stderr } = await runCli(['prune', 'volumes', '--names', named, '--older-than-hours', '0', '--yes'], { EDGE_HEALTH_PRUNE_ENABLED: 'false' });
    expect(code).toBe(2);
    expect(stderr).toContain('edge-health: real prune runs are disabled on this device (pruneEnabled is false); dry runs still answer');
  });

  it('with --yes removes what the dry run showed, logs each removal, and keeps the rest', async () => {
    const { code, stdout, stderr } = await runCli(['prune', 'volumes', '--names', named, '--older-than-hours', '0', '--yes']);
    console.info(`$ edge-health prune volumes --names ${named} --older-than-hours 0 --yes\n${stdout}`);
    expect(code).toBe(1);
    const [summary, ...rows] = stdout.trimEnd().split('\n');
    expect(summary).toMatch(/^Removed 1 volume \(29\d KiB\); 0 could not be removed; 2 kept\.$/);
    expect(rows[0]).toMatch(new RegExp(`^  removed  ${leftover} +29\\d KiB$`));
    expect(rows.slice(1).map((r) => r.split(/\s+/)[1])).toEqual(['kept', 'kept']);
    const log = parseLogLines(stderr);
    const removed = log.find((l) => l.logText.startsWith('[INF] removed '));
    expect(removed?.logLevel).toBe(6);
    expect(removed?.logText).toMatch(new RegExp(`^\\[INF\\] removed action=pruneVolumes requestedBy="command line \\(user [^"]+\\)" name=${leftover} ref=${leftover} bytes=\\d+$`));
    const finished = log.find((l) => l.logText.startsWith('[INF] prune finished '));
    const options = JSON.parse(/ options=(\{\S*\})/.exec(finished?.logText ?? '')?.[1] ?? 'null') as unknown;
    expect(options).toMatchObject({ dryRun: false, names: [leftover, inUse, kept], olderThanHours: 0 });
    expect(finished?.logText).toContain('removedCount=1');
    const { Volumes } = await plant.docker.listVolumes();
    const left = (Volumes ?? []).map((v) => v.Name);
    expect(left).not.toContain(leftover);
    expect(left).toEqual(expect.arrayContaining([inUse, kept]));
  });

  it('ends with 0 when everything named was removed', async () => {
    const again = await plant.volume('old-cache-2');
    const { code, stdout } = await runCli(['prune', 'volumes', '--names', again, '--older-than-hours', '0', '--yes']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Removed 1 volume \(0 B\); 0 could not be removed; 0 kept\.$/m);
  });
});
