import { describe, expect, it } from 'vitest';
import { productionLogDriver } from '../../src/checks/production-log-driver.js';
import type { Finding } from '../../src/checks/types.js';
import { defaultConfig } from '../../src/config/settings.js';
import type { DaemonConfig } from '../../src/snapshot.js';
import { dockerEngine, snapshot } from '../support/snapshot-builder.js';

const PATH = '/etc/docker/daemon.json';

function run(daemon: Omit<DaemonConfig, 'path'>, runningDriver = 'json-file'): Finding {
  const findings = productionLogDriver.run(snapshot({ daemonConfig: { path: PATH, ...daemon }, docker: dockerEngine({ loggingDriver: runningDriver }) }), defaultConfig());
  expect(findings).toHaveLength(1);
  return findings[0];
}

describe('production.log-driver', () => {
  it('is ok with the local driver, which rotates by default', () => {
    expect(run({ found: true, logDriver: 'local' }, 'local')).toMatchObject({ subject: PATH, status: 'ok', message: 'default driver "local" rotates by default' });
    expect(run({ found: true, logDriver: 'local', logOpts: { 'max-size': '10m' } }, 'local').message).toBe('default driver "local" rotates at 10m');
  });

  it('is ok with json-file capped by max-size', () => {
    expect(run({ found: true, logDriver: 'json-file', logOpts: { 'max-size': '10m', 'max-file': '3' } })).toMatchObject({
      status: 'ok',
      details: { driver: 'json-file', maxSize: '10m', maxFile: '3' },
    });
  });

  it('warns when there is no daemon.json and the engine defaults to json-file', () => {
    const finding = run({ found: false });
    expect(finding).toMatchObject({ status: 'warning', details: { driver: 'json-file', configuredDriver: null, daemonJsonFound: false } });
    expect(finding.message).toMatch(/^the engine defaults to "json-file" without max-size/);
    expect(finding.remediation).toContain('"Set up default logging driver"');
  });

  it('warns when daemon.json sets json-file with max-file alone', () => {
    const finding = run({ found: true, logDriver: 'json-file', logOpts: { 'max-file': '3' } });
    expect(finding.status).toBe('warning');
    expect(finding.message).toContain(`${PATH} sets "json-file" without max-size (max-file alone does not rotate)`);
  });

  it('judges daemon.json, saying so when the engine has not been restarted into it', () => {
    const finding = run({ found: true, logDriver: 'local' }, 'json-file');
    expect(finding.status).toBe('ok');
    expect(finding.message).toContain('the engine still runs with "json-file" until it restarts');
  });

  it('takes the engine default when daemon.json names no driver, and leaves drivers without files alone', () => {
    expect(run({ found: true, logOpts: { 'max-size': '5m' } }).status).toBe('ok');
    expect(run({ found: true }, 'journald')).toMatchObject({ status: 'ok', message: 'default driver "journald" keeps no growing files the engine owns' });
  });
});

describe('production.log-driver without an engine', () => {
  const withoutEngine = (daemon: Omit<DaemonConfig, 'path'>) =>
    productionLogDriver.run(snapshot({ daemonConfig: { path: PATH, ...daemon }, docker: null }), defaultConfig());

  it('is skipped when there is neither daemon.json nor an engine to ask', () => {
    expect(withoutEngine({ found: false })).toEqual([
      expect.objectContaining({ subject: PATH, status: 'skipped', message: `no ${PATH} and no Docker engine reachable: nothing to judge` }),
    ]);
  });

  it('still judges daemon.json itself', () => {
    expect(withoutEngine({ found: true, logDriver: 'json-file' })).toEqual([expect.objectContaining({ status: 'warning' })]);
  });

  it('warns, naming the value, when daemon.json max-size is not a size the engine reads, instead of calling it rotation', () => {
    const result = run({ found: true, logDriver: 'json-file', logOpts: { 'max-size': '10x' } });
    expect(result).toMatchObject({ status: 'warning', details: { invalidOptions: [expect.stringContaining('max-size "10x"')] } });
    expect(result.message).toContain('max-size "10x" is not a positive size the engine reads');
    expect(run({ found: true, logDriver: 'local', logOpts: { 'max-file': '0' } }, 'local').message).toContain('max-file "0" is not a whole number of at least 1');
  });
});
