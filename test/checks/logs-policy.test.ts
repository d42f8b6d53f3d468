import { describe, expect, it } from 'vitest';
import { logsPolicy } from '../../src/checks/logs-policy.js';
import type { Finding } from '../../src/checks/types.js';
import { defaultConfig } from '../../src/config/settings.js';
import type { ContainerInfo, DaemonConfig } from '../../src/snapshot.js';
import { type ContainerOverrides, container, dockerEngine, snapshot } from '../support/snapshot-builder.js';

const DAEMON_JSON = '/etc/docker/daemon.json';

interface Setup {
  daemon?: Omit<DaemonConfig, 'path' | 'found'> | null;
  /** The engine's default log driver as /info reports it. */
  engineDriver?: string;
}

function judge(overrides: ContainerOverrides, { daemon = null, engineDriver = 'json-file' }: Setup = {}): Finding {
  const c: ContainerInfo = container({ name: 'mod', ...overrides });
  const findings = logsPolicy.run(
    snapshot({
      containers: [c],
      docker: dockerEngine({ loggingDriver: engineDriver }),
      daemonConfig: daemon ? { path: DAEMON_JSON, found: true, ...daemon } : { path: DAEMON_JSON, found: false },
    }),
    defaultConfig(),
  );
  expect(findings).toHaveLength(1);
  expect(findings[0].subject).toBe('mod');
  return findings[0];
}

function expectFlagged(result: Finding): void {
  expect(result.status).toBe('warning');
  expect(result.remediation).toBeTruthy();
}

describe('logs.policy', () => {
  it('reads the containers source', () => {
    expect(logsPolicy.id).toBe('logs.policy');
    expect(logsPolicy.needs).toContain('containers');
  });

  describe('the local driver', () => {
    it('local driver without options is not flagged (it rotates by default)', () => {
      const result = judge({ logConfig: { type: 'local', config: {} } });
      expect(result.status).toBe('ok');
      expect(result.message).toContain('by default');
    });

    it('local driver with its own max-size is not flagged', () => {
      const result = judge({ logConfig: { type: 'local', config: { 'max-size': '20m' } } });
      expect(result.status).toBe('ok');
      expect(result.details).toMatchObject({ driver: 'local', maxSize: '20m' });
    });

    it('local driver as the daemon default is not flagged', () => {
      expect(judge({ logConfig: { type: 'local', config: {} } }, { daemon: { logDriver: 'local' }, engineDriver: 'local' }).status).toBe('ok');
    });
  });

  describe('json-file', () => {
    it('json-file with max-size in the container LogConfig is not flagged', () => {
      const result = judge({ logConfig: { type: 'json-file', config: { 'max-size': '10m', 'max-file': '3' } } });
      expect(result.status).toBe('ok');
      expect(result.details).toMatchObject({ maxSize: '10m', maxFile: '3', optionsFrom: 'container' });
    });

    it('json-file without any options and no daemon.json is flagged', () => {
      const result = judge({ logConfig: { type: 'json-file', config: {} } });
      expectFlagged(result);
      expect(result.details).toMatchObject({ driver: 'json-file', maxSize: null, optionsFrom: 'none' });
    });

    it('json-file with max-file but no max-size is flagged, saying max-file alone does not rotate', () => {
      const result = judge({ logConfig: { type: 'json-file', config: { 'max-file': '5' } } });
      expectFlagged(result);
      expect(result.message).toContain('max-file');
    });
  });

  describe('daemon.json defaults', () => {
    const capped = { logDriver: 'json-file', logOpts: { 'max-size': '10m', 'max-file': '3' } };

    it('json-file without own options is not flagged when daemon.json sets max-size', () => {
      const result = judge({ logConfig: { type: 'json-file', config: {} } }, { daemon: capped });
      expect(result.status).toBe('ok');
      expect(result.details).toMatchObject({ maxSize: '10m', optionsFrom: 'daemon.json' });
    });

    it('json-file without own options is flagged when daemon.json log-opts lack max-size', () => {
      const result = judge({ logConfig: { type: 'json-file', config: {} } }, { daemon: { logDriver: 'json-file', logOpts: { 'max-file': '3' } } });
      expectFlagged(result);
      expect(result.details).toMatchObject({ optionsFrom: 'daemon.json' });
    });

    it('daemon.json without log-opts does not cap json-file', () => {
      expectFlagged(judge({ logConfig: { type: 'json-file', config: {} } }, { daemon: { logDriver: 'json-file' } }));
    });

    it('daemon.json log-opts do not apply when the container has options of its own', () => {
      const result = judge({ logConfig: { type: 'json-file', config: { 'max-file': '3' } } }, { daemon: capped });
      expectFlagged(result);
      expect(result.details).toMatchObject({ optionsFrom: 'container' });
    });

    it('daemon.json log-opts do not apply to a container using another driver than the default', () => {
      const result = judge(
        { logConfig: { type: 'json-file', config: {} } },
        { daemon: { logDriver: 'local', logOpts: { 'max-size': '10m' } }, engineDriver: 'local' },
      );
      expectFlagged(result);
      expect(result.details).toMatchObject({ optionsFrom: 'none' });
    });

    it('without log-driver in daemon.json, log-opts apply to the engine default driver', () => {
      const result = judge({ logConfig: { type: 'json-file', config: {} } }, { daemon: { logOpts: { 'max-size': '50m' } }, engineDriver: 'json-file' });
      expect(result.status).toBe('ok');
      expect(result.details).toMatchObject({ maxSize: '50m', optionsFrom: 'daemon.json' });
    });

    it('without log-driver in daemon.json, log-opts do not apply when the engine default is another driver', () => {
      const result = judge({ logConfig: { type: 'json-file', config: {} } }, { daemon: { logOpts: { 'max-size': '50m' } }, engineDriver: 'journald' });
      expectFlagged(result);
    });
  });

  describe('drivers that keep no growing file', () => {
    it.each(['journald', 'syslog', 'none', 'fluentd', 'etwlogs', 'awslogs'])('%s is not flagged', (type) => {
      const result = judge({ logConfig: { type, config: {} } });
      expect(result.status).toBe('ok');
      expect(result.message).toContain(type);
      expect(result.remediation).toBeUndefined();
    });
  });

  it('judges every container on its own', () => {
    const findings = logsPolicy.run(
      snapshot({
        containers: [
          container({ name: 'capped' }),
          container({ name: 'uncapped', logConfig: { type: 'json-file', config: {} } }),
          container({ name: 'local', logConfig: { type: 'local', config: {} } }),
        ],
      }),
      defaultConfig(),
    );
    expect(findings.map((f) => [f.subject, f.status])).toEqual([
      ['capped', 'ok'],
      ['uncapped', 'warning'],
      ['local', 'ok'],
    ]);
  });

  it('no containers gives no findings', () => {
    expect(logsPolicy.run(snapshot(), defaultConfig())).toEqual([]);
  });

  it.each([['10x'], ['0'], ['0.5'], ['-1m'], [' 10m'], ['10 mb '], ['']])('does not take max-size "%s", which the engine refuses, for rotation', (maxSize) => {
    const result = judge({ logConfig: { type: 'json-file', config: { 'max-size': maxSize } } });
    expectFlagged(result);
    expect(result.message).toContain(`max-size "${maxSize}" is not a positive size the engine reads`);
  });

  it.each([['10m'], ['10M'], ['1.5g'], ['512k'], ['100MiB'], ['10 mb'], ['1000']])('takes max-size "%s" as the engine does', (maxSize) => {
    expect(judge({ logConfig: { type: 'json-file', config: { 'max-size': maxSize } } }).status).toBe('ok');
  });

  it('names an invalid daemon.json max-size or max-file instead of counting it as rotation', () => {
    const result = judge({ logConfig: { type: 'json-file', config: {} } }, { daemon: { logOpts: { 'max-size': '10x', 'max-file': 'three' } } });
    expectFlagged(result);
    expect(result.message).toContain('daemon.json "log-opts": max-size "10x" is not a positive size');
    expect(result.message).toContain('max-file "three" is not a whole number of at least 1');
  });
});
