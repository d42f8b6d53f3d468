import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Check, Finding } from '../../src/checks/types.js';
import { type Config, defaultConfig } from '../../src/config/settings.js';
import type { Report } from '../../src/report/build.js';
import { checkedReport } from '../support/report.js';
import { renderText } from '../../src/report/text.js';
import { type SnapshotOverrides, GiB, container, failed, filesystem, snapshot } from '../support/snapshot-builder.js';

const ANSI = /\u001b\[/;

function check(id: string, findings: Finding[], title = `Title ${id}`): Check {
  return { id, title, needs: ['containers'], twinNumbers: [], run: () => findings };
}

function ok(subject: string, message = 'fine'): Finding {
  return { subject, status: 'ok', message, details: {} };
}

function bad(status: 'warning' | 'error', subject: string, message: string, remediation: string): Finding {
  return { subject, status, message, details: {}, remediation };
}

function render(checks: Check[], { snap = {}, config = {} }: { snap?: SnapshotOverrides; config?: Partial<Config> } = {}): string {
  const report: Report = checkedReport(snapshot(snap), { ...defaultConfig(), ...config }, checks);
  return renderText(report, { color: false });
}

/** The line that starts a check's block. */
function lineOf(text: string, id: string): string {
  const lines = text.split('\n').filter((line) => new RegExp(`^(OK|WARN|ERR|SKIP)\\s+${id.replace('.', '\\.')}\\s`).test(line));
  expect(lines).toHaveLength(1);
  return lines[0];
}

describe('renderText', () => {
  it('one line per check with its mark and id', () => {
    const text = render([
      check('disk.space', [ok('/')]),
      check('logs.size', [bad('warning', 'mod', 'logs use 200 MiB', 'cap it')]),
      check('containers.limits', [bad('error', 'mod', 'OOM', 'raise it')]),
      check('volumes.unused', [{ subject: 'x', status: 'skipped', message: 'n/a', details: {} }]),
    ]);
    expect(lineOf(text, 'disk.space')).toMatch(/^OK\s+disk\.space\s/);
    expect(lineOf(text, 'logs.size')).toMatch(/^WARN\s+logs\.size\s/);
    expect(lineOf(text, 'containers.limits')).toMatch(/^ERR\s+containers\.limits\s/);
    expect(lineOf(text, 'volumes.unused')).toMatch(/^SKIP\s+volumes\.unused\s/);
  });

  it('the check line carries the title; a single ok result is summarised on it', () => {
    const line = lineOf(render([check('disk.space', [ok('/', '42% space free')], 'Free disk space')]), 'disk.space');
    expect(line).toContain('Free disk space');
    expect(line).toContain('/: 42% space free');
  });

  it('a check with several results says how many need attention', () => {
    const line = lineOf(
      render([check('logs.size', [ok('a'), bad('warning', 'b', 'big', 'fix'), { subject: 'c', status: 'skipped', message: 'n/a', details: {} }])]),
      'logs.size',
    );
    expect(line).toContain('1 of 3 needs attention');
    expect(line).toContain('1 skipped');
  });

  it('shows subject, message and fix of every warning and error', () => {
    const text = render([
      check('logs.size', [ok('quiet'), bad('warning', 'chatty', 'logs use 300 MiB', 'Use the local driver.')]),
      check('containers.limits', [bad('error', 'leaky', 'was killed for lack of memory (OOM)', 'Raise its memory limit.')]),
    ]);
    expect(text).toMatch(/WARN chatty: logs use 300 MiB/);
    expect(text).toContain('fix: Use the local driver.');
    expect(text).toMatch(/ERR\s+leaky: was killed for lack of memory \(OOM\)/);
    expect(text).toContain('fix: Raise its memory limit.');
  });

  it('does not list ok results as needing attention', () => {
    const text = render([check('logs.size', [ok('quiet', 'logs use 1 MiB'), bad('warning', 'chatty', 'big', 'fix')])]);
    expect(text).not.toContain('quiet: logs use 1 MiB');
  });

  it('says a shared fix once for consecutive results', () => {
    const text = render([check('logs.policy', [bad('warning', 'a', 'uncapped', 'Cap the logs.'), bad('warning', 'b', 'uncapped', 'Cap the logs.')])]);
    expect(text.match(/fix: Cap the logs\./g)).toHaveLength(1);
    expect(text).toContain('a: uncapped');
    expect(text).toContain('b: uncapped');
  });

  it('says a fix again when it changes', () => {
    const text = render([check('x.y', [bad('warning', 'a', 'm', 'Fix A.'), bad('warning', 'b', 'm', 'Fix B.'), bad('warning', 'c', 'm', 'Fix A.')])]);
    expect(text.match(/fix: Fix A\./g)).toHaveLength(2);
    expect(text.match(/fix: Fix B\./g)).toHaveLength(1);
  });

  it('has a "Not collected" section naming failed sources and why', () => {
    const text = render([check('disk.space', [ok('/')])], {
      snap: { sources: { volumes: failed('engine unreachable'), volumeSizes: failed('engine unreachable'), filesystems: failed('EACCES: /host') } },
    });
    expect(text).toContain('Not collected:');
    expect(text).toContain('volumeSizes, volumes: engine unreachable');
    expect(text).toContain('filesystems: EACCES: /host');
  });

  it('has no "Not collected" section when every source worked', () => {
    expect(render([check('disk.space', [ok('/')])])).not.toContain('Not collected');
  });

  it('lists disabled checks', () => {
    const text = render([check('disk.space', [ok('/')]), check('logs.size', [ok('x')])], { config: { disabledChecks: ['logs.size'] } });
    expect(text).toContain('Disabled: logs.size');
    expect(text).not.toMatch(/^(OK|WARN|ERR|SKIP)\s+logs\.size/m);
  });

  it('ends with the overall status and the counts', () => {
    const text = render([check('a.b', [ok('x'), bad('warning', 'y', 'm', 'f'), bad('error', 'z', 'm', 'f'), bad('error', 'w', 'm', 'f')])]);
    expect(text).toMatch(/Overall: error \(2 error, 1 warning, 1 ok, 0 skipped\)\n$/);
  });

  it('names the engine, or says there is none', () => {
    expect(render([check('a.b', [ok('x')])])).toContain('Docker 26.1.0 (API 1.45) at unix:///var/run/docker.sock');
    expect(render([check('a.b', [ok('x')])], { snap: { docker: null, sources: { docker: failed('no socket') } } })).toContain('no Docker engine');
  });

  it('has no ANSI escapes when color is off, even for a report full of problems', () => {
    const troubled = snapshot({
      containers: [container({ name: 'wild', privileged: true, state: { oomKilled: true }, limits: { memoryBytes: 0 }, logConfig: { type: 'json-file', config: {} } })],
      filesystems: { filesystems: [filesystem({ sizeBytes: 100 * GiB, availableBytes: 1 * GiB })], unreadable: [], notMounted: [] },
      sources: { volumes: failed('timeout') },
      volumes: null,
    });
    const report = checkedReport(troubled, defaultConfig());
    expect(report.counts.error).toBeGreaterThan(0);
    const text = renderText(report, { color: false });
    expect(text).not.toMatch(ANSI);
    expect(text).toMatch(/^ERR\s+containers\.limits/m);
  });

  describe('with color on', () => {
    afterEach(() => {
      vi.unstubAllEnvs();
    });

    it('paints the marks, so the no-escape case above is a real contrast', () => {
      // styleText leaves text plain unless the terminal takes color; FORCE_COLOR says it does.
      vi.stubEnv('FORCE_COLOR', '1');
      vi.stubEnv('NO_COLOR', undefined);
      const report = checkedReport(snapshot(), defaultConfig(), [check('a.b', [bad('error', 'z', 'broken', 'mend it')])]);
      const colored = renderText(report, { color: true });
      expect(colored).toMatch(ANSI);
      expect(colored.replace(/\u001b\[\d+m/g, '')).toBe(renderText(report, { color: false }));
    });
  });

  describe('fitting the terminal', () => {
    const long = `${'a fairly long message about a log file that keeps growing '.repeat(5)}/var/lib/docker/containers/${'f'.repeat(120)}`;

    it('wraps every line to 100 columns, indenting continuations, and loses no word', () => {
      const text = render([
        check('logs.size', [bad('warning', 'chatty', long, `Cap the log. ${'Then restart the module. '.repeat(8)}`), ok('quiet')]),
        check('disk.space', [ok('/', long)]),
      ]);
      for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
      const flat = text.replace(/\n +/g, ' ');
      expect(flat.replace(/ /g, '')).toContain(long.replace(/ /g, ''));
      const lines = text.split('\n');
      const at = lines.findIndex((line) => line.startsWith('       WARN chatty: '));
      expect(lines[at + 1]).toMatch(/^ {12}\S/);
    });

    it('fits a narrower terminal', () => {
      const report = checkedReport(snapshot(), defaultConfig(), [check('logs.size', [bad('warning', 'chatty', long, 'Cap it.')])]);
      for (const line of renderText(report, { color: false, width: 80 }).split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    });
  });

  it('escapes control characters from host data so they cannot drive the terminal', () => {
    const text = render([check('certs.expiry', [bad('warning', '/etc/\u001b[2Jevil.pem', 'cannot read: \u001b]0;owned\u0007 bad\nline', 'fix \u0008it')])]);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    expect(text).toContain('/etc/\\x1b[2Jevil.pem: cannot read: \\x1b]0;owned\\x07 bad\\x0aline');
    expect(text).toContain('fix: fix \\x08it');
  });

  it('does not count a total as a subject', () => {
    const total: Finding = { subject: 'all containers', status: 'ok', message: '3 MiB in total', details: {}, aggregate: true };
    const line = lineOf(render([check('logs.size', [ok('a'), bad('warning', 'b', 'big', 'fix'), total])]), 'logs.size');
    expect(line).toContain('1 of 2 needs attention');
    const flagged = lineOf(render([check('logs.size', [ok('a'), ok('b'), { ...total, status: 'warning', remediation: 'cap' }])]), 'logs.size');
    expect(flagged).toContain('0 of 2 need attention, and so does the total');
  });

  it('--verbose lists skipped results with their reasons and every source with its duration', () => {
    const checks = [check('logs.size', [ok('a'), { subject: 'b', status: 'skipped', message: 'cannot read log files: EACCES', details: {} }])];
    const report = checkedReport(snapshot({ sources: { volumes: failed('engine unreachable') } }), defaultConfig(), checks);
    const quiet = renderText(report, { color: false });
    const verbose = renderText(report, { color: false, verbose: true });
    expect(quiet).not.toContain('b: cannot read log files: EACCES');
    expect(verbose).toContain('SKIP b: cannot read log files: EACCES');
    expect(verbose).toMatch(/Sources:\n {2}docker +ok +1 ms/);
    expect(verbose).toMatch(/ {2}volumes +failed +1 ms: engine unreachable/);
  });
});
