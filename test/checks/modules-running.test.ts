import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_RESTART_COUNT, modulesRunning } from '../../src/checks/modules-running.js';
import type { Finding } from '../../src/checks/types.js';
import { defaultConfig } from '../../src/config/settings.js';
import { OWNER_LABEL, OWNER_VALUE } from '../../src/iotedge.js';
import type { ContainerInfo, RestartHistory } from '../../src/snapshot.js';
import { COLLECTED_AT, type ContainerOverrides, container, edgeAgent, edgeHub, snapshot } from '../support/snapshot-builder.js';

const hoursBefore = (hours: number) => new Date(Date.parse(COLLECTED_AT) - hours * 3600_000).toISOString();
const labels = { [OWNER_LABEL]: OWNER_VALUE };
const module = (overrides: ContainerOverrides) => container({ name: 'opcua', labels, ...overrides });
const exited = (exitCode: number, overrides: ContainerOverrides = {}) =>
  module({ state: { status: 'exited', running: false, exitCode, finishedAt: hoursBefore(2) }, ...overrides });

function run(containers: ContainerInfo[], restartHistory: RestartHistory = { containers: [] }, config = defaultConfig()): Finding[] {
  return modulesRunning.run(snapshot({ containers: [edgeAgent(), edgeHub(), ...containers], restartHistory }), config);
}

const find = (findings: Finding[], subject = 'opcua') => findings.find((f) => f.subject === subject) as Finding;

describe('modules.running', () => {
  it('is ok for running modules, the system modules included', () => {
    const findings = run([module({})]);
    expect(findings.map((f) => [f.subject, f.status])).toEqual([['edgeAgent', 'ok'], ['edgeHub', 'ok'], ['opcua', 'ok']]);
  });

  it('warns for a module exited with a non-zero code, with the code and since when', () => {
    const finding = find(run([exited(1)]));
    expect(finding).toMatchObject({ status: 'warning', message: 'exited with code 1 2 h ago', details: { state: 'exited', exitCode: 1, stoppedSeconds: 7200 } });
    expect(finding.remediation).toMatch(/iotedge logs/);
  });

  it('leaves a module that exited cleanly ok', () => {
    expect(find(run([exited(0)]))).toMatchObject({ status: 'ok', message: 'exited cleanly (exit code 0) 2 h ago' });
  });

  it('calls a module past edgeAgent\'s MaxRestartCount an error: edgeAgent gave up on it', () => {
    const finding = find(run([exited(139, { restartCount: DEFAULT_MAX_RESTART_COUNT })]));
    expect(finding.status).toBe('error');
    expect(finding.message).toContain(`past edgeAgent's MaxRestartCount ${DEFAULT_MAX_RESTART_COUNT}`);
    expect(find(run([exited(139, { restartCount: DEFAULT_MAX_RESTART_COUNT - 1 })])).status).toBe('warning');
  });

  it('reads MaxRestartCount from edgeAgent\'s env', () => {
    const findings = modulesRunning.run(
      snapshot({ containers: [edgeAgent({ env: { MaxRestartCount: '5' } }), edgeHub(), exited(1, { restartCount: 5 })] }),
      defaultConfig(),
    );
    expect(find(findings)).toMatchObject({ status: 'error', details: { maxRestartCount: 5 } });
  });

  it('counts restarts seen between cycles against MaxRestartCount too', () => {
    const finding = find(run([exited(1, { id: 'x1' })], { containers: [{ containerId: 'x1', watchedSince: hoursBefore(1), restartsLastHour: 25 }] }));
    expect(finding).toMatchObject({ status: 'error', details: { restartsLastHour: 25 } });
  });

  it('shows a crash loop from the restarts counted within the last hour', () => {
    const history = (count: number) => ({ containers: [{ containerId: 'x1', watchedSince: hoursBefore(1), restartsLastHour: count }] });
    expect(find(run([module({ id: 'x1' })], history(3)))).toMatchObject({ status: 'warning', message: 'crash loop: restarted 3 times within the last hour' });
    expect(find(run([module({ id: 'x1' })], history(2))).status).toBe('ok');
    expect(find(run([module({ id: 'x1' })], history(2), { ...defaultConfig(), crashLoopRestartsPerHour: 2 })).status).toBe('warning');
  });

  it('warns for restarting and paused modules, and calls a dead one an error', () => {
    expect(find(run([module({ state: { status: 'restarting', exitCode: 2 }, restartCount: 4 })]))).toMatchObject({ status: 'warning', message: 'restarting (exit code 2, restarted 4 times)' });
    expect(find(run([module({ state: { status: 'paused' } })])).status).toBe('warning');
    expect(find(run([module({ state: { status: 'dead', running: false, exitCode: 137, finishedAt: hoursBefore(3) } })])).status).toBe('error');
  });

  it('calls a stopped edgeHub or edgeAgent an error, even with exit code 0', () => {
    const findings = modulesRunning.run(snapshot({ containers: [edgeAgent(), edgeHub({ state: { status: 'exited', running: false, exitCode: 0, finishedAt: hoursBefore(1) } })] }), defaultConfig());
    expect(find(findings, 'edgeHub')).toMatchObject({ status: 'error', message: 'exited with code 0 60 min ago' });
  });

  it('does not judge containers that are not IoT Edge modules', () => {
    const findings = run([container({ name: 'mine', state: { status: 'exited', running: false, exitCode: 1 } })]);
    expect(findings.map((f) => f.subject)).toEqual(['edgeAgent', 'edgeHub']);
  });

  it('is skipped, saying why, without IoT Edge modules', () => {
    expect(modulesRunning.run(snapshot({ containers: [container({})] }), defaultConfig())).toMatchObject([{ status: 'skipped', message: 'no IoT Edge module containers on this engine' }]);
  });
});
