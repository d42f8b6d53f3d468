import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/settings.js';
import type { Cycle } from '../../src/module/cycle-runner.js';
import { readMethods } from '../../src/module/methods.js';
import { METHOD_RESPONSE_MAX_BYTES } from '../../src/report/report-answer.js';
import { checkedReport } from '../support/report.js';
import { container, failed, snapshot } from '../support/snapshot-builder.js';

function methodsOver(cycle: Cycle) {
  let runs = 0;
  const methods = readMethods({
    runCycle: async () => {
      runs += 1;
      return cycle;
    },
    lastCycle: () => cycle,
    describeConfig: () => ({ config: defaultConfig() }),
  });
  return { methods, runs: () => runs };
}

const cycleOf = (snap: ReturnType<typeof snapshot>, config = defaultConfig()): Cycle => ({ snapshot: snap, report: checkedReport(snap, config), durationMs: 5 });
const unlimited = (count: number) =>
  cycleOf(snapshot({ containers: Array.from({ length: count }, (_, i) => container({ name: `c${i}`.padEnd(200, 'x'), limits: { memoryBytes: 0 } })) }));

describe('read-only direct methods', () => {
  it('runChecks runs a cycle and answers the problems; getReport answers the last cycle without running one', async () => {
    const { methods, runs } = methodsOver(unlimited(2));
    const ran = await methods.runChecks(null);
    expect(ran.status).toBe(200);
    expect(ran.payload).toMatchObject({ status: 'warning', moreResults: 0, results: [{ id: 'containers.limits' }, { id: 'containers.limits' }] });
    const last = await methods.getReport({});
    expect(last.status).toBe(200);
    expect(runs()).toBe(1);
  });

  it('narrows to one check, with every subject under detail=full', async () => {
    const { methods } = methodsOver(unlimited(2));
    const answer = await methods.getReport({ checkId: 'disk.space', detail: 'full' });
    expect(answer.status).toBe(200);
    expect((answer.payload as { results: { id: string }[] }).results.every((r) => r.id === 'disk.space')).toBe(true);
  });

  it('answers 400 naming the field for a bad payload, and for unknown fields', async () => {
    const { methods } = methodsOver(unlimited(1));
    expect(await methods.getReport({ checkId: 5 })).toEqual({ status: 400, payload: { error: 'checkId: expected a string, got 5', field: 'checkId' } });
    expect(await methods.runChecks({ detail: 'everything' })).toMatchObject({ status: 400, payload: { field: 'detail', error: expect.stringContaining('must be one of summary, full') } });
    expect(await methods.runChecks({ chekId: 'disk.space' })).toEqual({ status: 400, payload: { error: 'unknown field "chekId"', field: 'chekId' } });
    expect(await methods.getConfig({ verbose: true })).toMatchObject({ status: 400 });
    expect(await methods.runChecks('disk.space')).toMatchObject({ status: 400 });
  });

  it('answers 404 for a check id that does not exist or is disabled', async () => {
    const { methods } = methodsOver(unlimited(1));
    expect(await methods.getReport({ checkId: 'disk.spaec' })).toMatchObject({ status: 404, payload: { field: 'checkId', error: expect.stringContaining('is not a check') } });
    const disabled = methodsOver(cycleOf(snapshot(), { ...defaultConfig(), disabledChecks: ['logs.size'] }));
    expect(await disabled.methods.getReport({ checkId: 'logs.size' })).toMatchObject({ status: 404, payload: { error: 'check "logs.size" is disabled on this device' } });
  });

  it('answers 503 for a Docker check when the engine is unreachable, 200 for a host check', async () => {
    const down = 'Docker engine not reachable at unix:///var/run/docker.sock: connect ENOENT';
    const sources = { docker: failed(down), containers: failed(down), containerStats: failed(down), containerLogs: failed(down), volumes: failed(down), volumeSizes: failed(down) };
    const { methods } = methodsOver(cycleOf(snapshot({ sources, docker: null, containers: null, volumes: null, containerLogs: null, containerStats: null })));
    expect(await methods.getReport({ checkId: 'volumes.unused' })).toMatchObject({ status: 503, payload: { error: `Docker engine unreachable: ${down}` } });
    expect((await methods.getReport({ checkId: 'disk.space' })).status).toBe(200);
  });

  it('keeps answers under the 128 KB method limit, saying how many results it left out', async () => {
    const cycle = unlimited(2000);
    const { methods } = methodsOver(cycle);
    const answer = await methods.runChecks({ detail: 'full' });
    const payload = answer.payload as { results: unknown[]; moreResults: number };
    expect(Buffer.byteLength(JSON.stringify(payload))).toBeLessThanOrEqual(METHOD_RESPONSE_MAX_BYTES);
    expect(payload.results.length).toBeGreaterThan(0);
    expect(payload.results.length + payload.moreResults).toBe(cycle.report.results.length);
    expect(cycle.report.results.length).toBeGreaterThan(6000);
  });

  it('getConfig answers the configuration and its origins', async () => {
    const { methods } = methodsOver(unlimited(1));
    expect(await methods.getConfig(null)).toEqual({ status: 200, payload: { config: defaultConfig() } });
  });
});
