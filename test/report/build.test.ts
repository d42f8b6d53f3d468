import { describe, expect, it, vi } from 'vitest';
import { CHECK_IDS } from '../../src/checks/registry.js';
import type { Check, Finding, Status } from '../../src/checks/types.js';
import { type Config, defaultConfig } from '../../src/config/settings.js';
import { checkedReport } from '../support/report.js';
import { failed, snapshot } from '../support/snapshot-builder.js';

/** A check that reports one finding per status given, on subjects s0, s1… */
function fixed(id: string, statuses: Status[], needs: Check['needs'] = ['containers']): Check {
  return {
    id,
    title: `Title of ${id}`,
    needs,
    twinNumbers: [],
    run: () =>
      statuses.map((status, i): Finding => ({
        subject: `s${i}`,
        status,
        message: `${status} ${i}`,
        details: {},
        ...(status === 'warning' || status === 'error' ? { remediation: `fix ${id} ${i}` } : {}),
      })),
  };
}

function throwing(id: string, error: unknown = new Error('boom: undefined is not a function')): Check {
  return { id, title: 'Throws', needs: ['containers'], twinNumbers: [], run: () => { throw error; } };
}

function config(overrides: Partial<Config> = {}): Config {
  return { ...defaultConfig(), ...overrides };
}

describe('buildReport', () => {
  it('runs the registered checks by default, in registry order', () => {
    const report = checkedReport(snapshot(), defaultConfig());
    expect(report.checks.map((c) => c.id)).toEqual([...CHECK_IDS]);
  });

  it('the overall status is the worst result', () => {
    const report = checkedReport(snapshot(), config(), [fixed('a.one', ['ok', 'ok']), fixed('b.two', ['warning']), fixed('c.three', ['error', 'skipped'])]);
    expect(report.status).toBe('error');
  });

  it('warnings without errors make the report a warning', () => {
    expect(checkedReport(snapshot(), config(), [fixed('a.one', ['ok']), fixed('b.two', ['warning', 'skipped'])]).status).toBe('warning');
  });

  it('ok and skipped results make the report ok', () => {
    expect(checkedReport(snapshot(), config(), [fixed('a.one', ['ok']), fixed('b.two', ['skipped'])]).status).toBe('ok');
  });

  it('a report where everything was skipped is skipped, not ok', () => {
    expect(checkedReport(snapshot(), config(), [fixed('a.one', ['skipped']), fixed('b.two', ['skipped', 'skipped'])]).status).toBe('skipped');
  });

  it('counts every result by status', () => {
    const report = checkedReport(snapshot(), config(), [fixed('a.one', ['ok', 'ok', 'warning']), fixed('b.two', ['error', 'skipped', 'ok'])]);
    expect(report.counts).toEqual({ ok: 3, warning: 1, error: 1, skipped: 1 });
    expect(report.results).toHaveLength(6);
  });

  it('summarises each check with its own worst status and counts', () => {
    const report = checkedReport(snapshot(), config(), [fixed('a.one', ['ok', 'warning']), fixed('b.two', ['skipped']), fixed('c.three', ['ok'])]);
    expect(report.checks).toEqual([
      { id: 'a.one', title: 'Title of a.one', status: 'warning', counts: { ok: 1, warning: 1, error: 0, skipped: 0 } },
      { id: 'b.two', title: 'Title of b.two', status: 'skipped', counts: { ok: 0, warning: 0, error: 0, skipped: 1 } },
      { id: 'c.three', title: 'Title of c.three', status: 'ok', counts: { ok: 1, warning: 0, error: 0, skipped: 0 } },
    ]);
  });

  it('results carry their check id, in check order', () => {
    const report = checkedReport(snapshot(), config(), [fixed('a.one', ['ok', 'ok']), fixed('b.two', ['warning'])]);
    expect(report.results.map((r) => [r.id, r.subject])).toEqual([
      ['a.one', 's0'],
      ['a.one', 's1'],
      ['b.two', 's0'],
    ]);
  });

  describe('disabled checks', () => {
    it('are not run, are left out of results and summaries, and are listed', () => {
      const run = vi.fn(() => [] as Finding[]);
      const disabled: Check = { id: 'b.two', title: 'Off', needs: ['containers'], twinNumbers: [], run };
      const report = checkedReport(snapshot(), config({ disabledChecks: ['b.two'] }), [fixed('a.one', ['ok']), disabled, fixed('c.three', ['ok'])]);
      expect(run).not.toHaveBeenCalled();
      expect(report.results.map((r) => r.id)).toEqual(['a.one', 'c.three']);
      expect(report.checks.map((c) => c.id)).toEqual(['a.one', 'c.three']);
      expect(report.disabledChecks).toEqual(['b.two']);
    });

    it('a disabled failing check does not make the report fail', () => {
      const report = checkedReport(snapshot(), config({ disabledChecks: ['b.two'] }), [fixed('a.one', ['ok']), fixed('b.two', ['error'])]);
      expect(report.status).toBe('ok');
      expect(report.counts.error).toBe(0);
    });

    it('with none disabled the list is empty', () => {
      expect(checkedReport(snapshot(), config(), [fixed('a.one', ['ok'])]).disabledChecks).toEqual([]);
    });

    it('disabling a registered check leaves it out of the default report', () => {
      const report = checkedReport(snapshot(), config({ disabledChecks: ['logs.size', 'disk.inodes'] }));
      expect(report.disabledChecks).toEqual(['disk.inodes', 'logs.size']);
      expect(report.results.some((r) => r.id === 'logs.size' || r.id === 'disk.inodes')).toBe(false);
      expect(report.checks.map((c) => c.id)).toEqual(CHECK_IDS.filter((id) => id !== 'logs.size' && id !== 'disk.inodes'));
    });
  });

  describe('a check that throws', () => {
    it('becomes one error result with its message and a remediation, and the others still run', () => {
      const report = checkedReport(snapshot(), config(), [fixed('a.one', ['ok']), throwing('b.two'), fixed('c.three', ['ok'])]);
      const own = report.results.filter((r) => r.id === 'b.two');
      expect(own).toHaveLength(1);
      expect(own[0].status).toBe('error');
      expect(own[0].message).toContain('boom: undefined is not a function');
      expect(own[0].remediation).toBeTruthy();
      expect(own[0].subject).not.toBe('');
      expect(report.results.map((r) => r.id)).toEqual(['a.one', 'b.two', 'c.three']);
      expect(report.status).toBe('error');
      expect(report.failedChecks).toEqual(['b.two']);
    });

    it('no check failed when none threw, even with errors found', () => {
      expect(checkedReport(snapshot(), config(), [fixed('a.one', ['error'])]).failedChecks).toEqual([]);
    });

    it('a thrown non-Error value is reported as text', () => {
      const report = checkedReport(snapshot(), config(), [throwing('a.one', 'plain string')]);
      expect(report.results[0]).toMatchObject({ status: 'error' });
      expect(report.results[0].message).toContain('plain string');
    });
  });

  it('a check with nothing to judge gives one skipped result', () => {
    const report = checkedReport(snapshot(), config(), [fixed('a.one', [])]);
    expect(report.results).toHaveLength(1);
    expect(report.results[0]).toMatchObject({ id: 'a.one', status: 'skipped' });
    expect(report.status).toBe('skipped');
  });

  it('a check whose source failed is skipped with the reason and not run', () => {
    const run = vi.fn(() => [] as Finding[]);
    const check: Check = { id: 'a.one', title: 'A', needs: ['volumes'], twinNumbers: [], run };
    const report = checkedReport(snapshot({ sources: { volumes: failed('engine unreachable') }, volumes: null }), config(), [check]);
    expect(run).not.toHaveBeenCalled();
    expect(report.results).toHaveLength(1);
    expect(report.results[0].status).toBe('skipped');
    expect(report.results[0].message).toContain('engine unreachable');
  });

  it('carries the collection time, the engine and the source statuses', () => {
    const snap = snapshot({ collectedAt: '2030-01-02T03:04:05.000Z', sources: { daemonConfig: failed('EACCES') } });
    const report = checkedReport(snap, config(), [fixed('a.one', ['ok'])]);
    expect(report.schemaVersion).toBe(1);
    expect(report.collectedAt).toBe('2030-01-02T03:04:05.000Z');
    expect(report.docker).toEqual({ endpoint: 'unix:///var/run/docker.sock', engineVersion: '26.1.0', apiVersion: '1.45' });
    expect(report.sources.daemonConfig).toMatchObject({ ok: false, error: 'EACCES' });
    expect(report.agent.name).toBe('edge-health-agent');
    expect(report.agent.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('has no engine when the docker source failed', () => {
    const report = checkedReport(snapshot({ docker: null, sources: { docker: failed('no socket') } }), config(), [fixed('a.one', ['ok'])]);
    expect(report.docker).toBeNull();
  });

  it('is JSON-serialisable', () => {
    const report = checkedReport(snapshot(), defaultConfig());
    expect(JSON.parse(JSON.stringify(report))).toStrictEqual(report);
  });
});
