import { describe, expect, it } from 'vitest';
import type { Check, Status } from '../../src/checks/types.js';
import { defaultConfig } from '../../src/config/settings.js';
import type { Report } from '../../src/report/build.js';
import { checkedReport } from '../support/report.js';
import { EXIT_AGENT_FAILED, EXIT_HEALTHY, EXIT_UNHEALTHY, exitCodeFor } from '../../src/report/exit-code.js';
import { snapshot } from '../support/snapshot-builder.js';

function reportWith(...statuses: Status[]): Report {
  const check: Check = {
    id: 'a.one',
    title: 'A',
    needs: ['containers'],
    twinNumbers: [],
    run: () => statuses.map((status, i) => ({ subject: `s${i}`, status, message: status, details: {}, remediation: 'fix' })),
  };
  return checkedReport(snapshot(), defaultConfig(), [check]);
}

describe('exitCodeFor', () => {
  it('the codes are 0 healthy, 1 unhealthy, 2 agent failed', () => {
    expect([EXIT_HEALTHY, EXIT_UNHEALTHY, EXIT_AGENT_FAILED]).toEqual([0, 1, 2]);
  });

  it.each<[Status[], number]>([
    [['ok'], 0],
    [['ok', 'skipped'], 0],
    [['skipped'], 0],
    [['warning'], 0],
    [['ok', 'warning'], 0],
    [['error'], 1],
    [['ok', 'warning', 'error'], 1],
  ])('results %j exit with %d', (statuses, code) => {
    expect(exitCodeFor(reportWith(...statuses), { warningsAsErrors: false })).toBe(code);
  });

  it.each<[Status[], number]>([
    [['ok'], 0],
    [['skipped'], 0],
    [['warning'], 1],
    [['ok', 'warning', 'skipped'], 1],
    [['error'], 1],
  ])('with warningsAsErrors, results %j exit with %d', (statuses, code) => {
    expect(exitCodeFor(reportWith(...statuses), { warningsAsErrors: true })).toBe(code);
  });

  it('a check that threw exits with 2, the agent failed, whatever the host looks like', () => {
    const throwing: Check = { id: 'b.two', title: 'B', needs: ['containers'], twinNumbers: [], run: () => { throw new Error('boom'); } };
    const healthy: Check = { id: 'a.one', title: 'A', needs: ['containers'], twinNumbers: [], run: () => [{ subject: 'x', status: 'ok', message: 'fine', details: {} }] };
    const report = checkedReport(snapshot(), defaultConfig(), [healthy, throwing]);
    expect(report.failedChecks).toEqual(['b.two']);
    expect(exitCodeFor(report, { warningsAsErrors: false })).toBe(EXIT_AGENT_FAILED);
    expect(exitCodeFor(reportWith('error'), { warningsAsErrors: false })).toBe(EXIT_UNHEALTHY);
  });
});
