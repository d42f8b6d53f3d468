// One contract every registered check keeps, whatever it judges.
import { describe, expect, it } from 'vitest';
import { CHECKS, CHECK_IDS } from '../../src/checks/registry.js';
import { OWNER_LABEL, OWNER_VALUE } from '../../src/iotedge.js';
import type { CheckResult } from '../../src/checks/types.js';
import { defaultConfig } from '../../src/config/settings.js';
import { runCheck } from '../../src/checks/run.js';
import { SOURCE_NAMES } from '../../src/collect/sources.js';
import type { Snapshot, SourceName } from '../../src/snapshot.js';
import {
  GiB,
  MiB,
  certificate,
  container,
  dockerEngine,
  edgeAgent,
  edgeHub,
  failed,
  filesystem,
  filesystemHistory,
  iotedgeConfig,
  logFiles,
  moduleStore,
  snapshot,
  upstreamProbe,
  volume,
} from '../support/snapshot-builder.js';

const STATUSES = ['ok', 'warning', 'error', 'skipped'];

function healthy(): Snapshot {
  const healthyProbe = { status: 'healthy' as const, failingStreak: 0, lastProbe: { at: '2024-05-01T11:59:30.000Z', exitCode: 0, output: 'ok' } };
  const modules = [edgeAgent(), edgeHub(), container({ name: 'tempSensor', health: healthyProbe })];
  return snapshot({
    containers: modules,
    containerStats: modules.map((c) => ({ containerId: c.id, memoryUsageBytes: 10 * MiB, memoryLimitBytes: c.limits.memoryBytes })),
    containerLogs: modules.map((c) => logFiles({ containerId: c.id })),
    volumes: [volume({ name: 'edgeHub', usedBy: ['edgeHub'] }), volume({ name: 'sensor-data', usedBy: ['tempSensor'] })],
    daemonConfig: { path: '/etc/docker/daemon.json', found: true, logDriver: 'local', dns: ['10.0.0.53'] },
    filesystems: { filesystems: [filesystem(), filesystem({ path: '/var/lib/docker', watchedPaths: [{ path: '/var/lib/docker', role: 'dockerDataRoot' }] })], unreadable: [], notMounted: [] },
    iotedgeConfig: iotedgeConfig(),
    certificates: { iotedgeEvidence: ['/etc/aziot/config.toml'], certificates: [certificate()], unreadable: [] },
    diskHistory: { file: '/state/disk-history.json', filesystems: [filesystemHistory('/', [50 * GiB, 50 * GiB, 50 * GiB, 50 * GiB], { everyMinutes: 30 })] },
    moduleStores: { stores: [moduleStore({ module: 'edgeAgent' }), moduleStore()] },
  });
}

function troubled(): Snapshot {
  const modules = [
    container({ name: 'leaky', labels: { [OWNER_LABEL]: OWNER_VALUE }, state: { oomKilled: true, running: false, status: 'exited', exitCode: 137, finishedAt: '2024-05-01T11:50:00.000Z' }, restartCount: 40 }),
    container({ name: 'wild', privileged: true, limits: { memoryBytes: 0, nanoCpus: 0 }, logConfig: { type: 'json-file', config: {} } }),
    container({ name: 'hungry', health: { status: 'unhealthy', failingStreak: 4, lastProbe: { at: '2024-05-01T11:59:00.000Z', exitCode: 1, output: 'curl: (7) Failed to connect' } } }),
    container({ name: 'quiet', logConfig: { type: 'journald', config: {} } }),
    edgeAgent({ image: 'mcr.microsoft.com/azureiotedge-agent:1.5', env: { UpstreamProtocol: 'AmqpWs', https_proxy: 'https://proxy:3128' }, mounts: [] }),
    edgeHub({ image: 'myregistry.azurecr.io/azureiotedge-hub:1.5.3.debug', env: {} }),
  ];
  const [leaky, wild, hungry] = modules;
  return snapshot({
    sources: { containerStats: failed('stats timed out after 20 s'), volumeSizes: failed('/system/df timed out') },
    docker: dockerEngine({ loggingDriver: 'json-file', platformName: 'Docker Engine - Community', memTotalBytes: 1 * GiB }),
    containers: modules,
    containerStats: null,
    containerLogs: [
      logFiles({ containerId: leaky.id, totalBytes: 3 * GiB }),
      logFiles({ containerId: wild.id, totalBytes: 300 * MiB }),
      logFiles({ containerId: hungry.id, error: 'EACCES: permission denied' }),
    ],
    volumes: [volume({ name: 'edgeHub', sizeBytes: null }), volume({ name: 'old-a', sizeBytes: null }), volume({ name: 'old-b', sizeBytes: null })],
    daemonConfig: { path: '/etc/docker/daemon.json', found: true, logDriver: 'json-file', logOpts: { 'max-file': '3' } },
    filesystems: {
      filesystems: [
        filesystem({ sizeBytes: 1000, availableBytes: 50, inodesTotal: 1000, inodesFree: 150 }),
        filesystem({ path: '/data', type: 'btrfs', inodesTotal: 0, inodesFree: 0 }),
      ],
      unreadable: [{ path: '/mnt/sd', role: 'configured', error: 'ENOENT: no such file or directory' }],
      notMounted: [{ path: '/srv', role: 'configured' }],
    },
    iotedgeConfig: iotedgeConfig({
      edgeCa: { source: 'quickstart', method: null, certPath: null, quickstartExpiryDays: 90, autoRenew: { rotateKey: true, threshold: '80%', retry: '4%' } },
      imageGarbageCollection: { configured: true, enabled: false, cleanupRecurrence: '1d', imageAgeCleanupThreshold: '7d', cleanupTime: '00:00' },
    }),
    certificates: {
      iotedgeEvidence: ['/etc/aziot/config.toml'],
      certificates: [certificate({ role: 'trust-bundle', notAfter: '2024-05-03T12:00:00.000Z' })],
      unreadable: [{ source: '/var/aziot/certs/broken.pem', role: 'extra', error: 'holds no certificate (neither PEM nor DER)' }],
    },
    diskHistory: { file: null, filesystems: [filesystemHistory('/', [40 * GiB, 30 * GiB, 20 * GiB, 10 * GiB], { everyMinutes: 60 })] },
    moduleStores: {
      stores: [
        moduleStore({ module: 'edgeAgent', storageFolder: null, hostPath: null, totalBytes: null, history: [] }),
        moduleStore({ totalBytes: 3 * GiB, rocksDbLogs: { count: 900, bytes: 180 * MiB }, history: [{ at: '2024-05-01T00:00:00.000Z', bytes: 1 * GiB }, { at: '2024-05-01T12:00:00.000Z', bytes: 3 * GiB }] }),
      ],
    },
    upstream: upstreamProbe({
      ports: [
        { protocol: 'mqtt', port: 8883, viaProxy: false, ok: false, tcpMs: null, tlsMs: null, error: 'ECONNREFUSED' },
        { protocol: 'amqp', port: 5671, viaProxy: false, ok: false, tcpMs: null, tlsMs: null, error: 'TCP connect: no answer within 5000 ms' },
        { protocol: 'websocket', port: 443, viaProxy: false, ok: true, tcpMs: 20, tlsMs: 60 },
      ],
    }),
    timeOffset: { servers: [{ server: 'pool.ntp.org', ok: false, error: 'ENOTFOUND' }, { server: '10.0.0.1', ok: true, offsetMs: -400_000, roundTripMs: 4, stratum: 3 }] },
  });
}

function troubledWithSizes(): Snapshot {
  return { ...troubled(), sources: snapshot().sources, containerStats: [], volumes: [volume({ name: 'edgeHub', sizeBytes: 5 * GiB }), volume({ name: 'old', sizeBytes: 3 * GiB })] };
}

/** DOCKER_HOST names an engine that does not answer. */
function unreachableEngine(): Snapshot {
  return withFailedSource(healthy(), 'docker', 'Docker engine not reachable at tcp://127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1');
}

function empty(): Snapshot {
  return snapshot();
}

const FIXTURES: [string, () => Snapshot][] = [
  ['healthy', healthy],
  ['troubled', troubled],
  ['troubled, with volume sizes', troubledWithSizes],
  ['empty', empty],
];

/** As the runner leaves it: every source fills the snapshot field of its own name, null when it failed. */
function withFailedSource(base: Snapshot, source: SourceName, error: string): Snapshot {
  return { ...base, [source]: null, sources: { ...base.sources, [source]: failed(error) } };
}

/** The snapshot, recording which sources a reader touches: their field or their status. */
function recordingReads(base: Snapshot, read: Set<string>): Snapshot {
  const record = (name: string | symbol) => {
    if (typeof name === 'string' && (SOURCE_NAMES as string[]).includes(name)) read.add(name);
  };
  const sources = new Proxy(base.sources, { get: (target, name) => (record(name), Reflect.get(target, name)) });
  return new Proxy(base, { get: (target, name) => (name === 'sources' ? sources : (record(name), Reflect.get(target, name))) });
}

/**
 * The snapshot as a collector leaves it when it could not see what it reads: failed where the source
 * is all or nothing (the engine, a config file), present but blind where it records what it missed.
 */
const BLIND: Record<SourceName, (base: Snapshot) => Snapshot> = {
  docker: (base) => withFailedSource(base, 'docker', 'Docker engine not reachable at tcp://127.0.0.1:1'),
  containers: (base) => withFailedSource(base, 'containers', 'timed out after 20000 ms'),
  containerStats: (base) => withFailedSource(base, 'containerStats', 'timed out after 20000 ms'),
  containerLogs: (base) => ({
    ...base,
    containerLogs: (base.containers ?? []).map((c) =>
      logFiles({ containerId: c.id, files: [], totalBytes: 0, error: 'the Docker data root /var/lib/docker is not visible under the host root /host', blind: 'not-mounted' }),
    ),
  }),
  volumes: (base) => ({
    ...base,
    sources: { ...base.sources, volumeSizes: failed('/system/df timed out') },
    volumes: [volume({ name: 'left-behind', sizeBytes: null })],
  }),
  volumeSizes: (base) => withFailedSource(base, 'volumeSizes', '/system/df timed out'),
  daemonConfig: (base) => withFailedSource(base, 'daemonConfig', '/etc/docker/daemon.json: not a regular file (a FIFO), not read'),
  filesystems: (base) => ({
    ...base,
    filesystems: {
      filesystems: [],
      unreadable: [{ path: '/', role: 'root', error: 'permission denied for this user' }],
      notMounted: [{ path: '/var/lib/docker', role: 'dockerDataRoot' }],
    },
  }),
  restartHistory: (base) => withFailedSource(base, 'restartHistory', 'timed out after 20000 ms'),
  moduleStores: (base) => ({ ...base, moduleStores: { stores: [moduleStore({ totalBytes: null, history: [], error: '/srv/edgeHub: EACCES: permission denied' })] } }),
  timeOffset: (base) => ({ ...base, timeOffset: { servers: [{ server: 'time.windows.com', ok: false, error: 'no answer within 5000 ms' }] } }),
  upstream: (base) => withFailedSource(base, 'upstream', 'timed out after 20000 ms'),
  iotedgeConfig: (base) => withFailedSource(base, 'iotedgeConfig', '/etc/aziot/config.toml: not a regular file (a FIFO), not read'),
  certificates: (base) => ({
    ...base,
    certificates: {
      iotedgeEvidence: [],
      certificates: [],
      unreadable: [],
      notSeen: [
        { source: 'config.toml', reason: 'unreadable', error: 'the certificate files it names were not read: /etc/aziot/config.toml: not a regular file (a FIFO), not read' },
        { source: '/var/lib/aziot/certd/certs', reason: 'not-a-file', error: 'not a folder (a FIFO), not listed' },
      ],
    },
  }),
  diskHistory: (base) => ({ ...base, diskHistory: { file: null, filesystems: [] } }),
};

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

describe('the check registry', () => {
  it('ids are unique', () => {
    expect(new Set(CHECK_IDS).size).toBe(CHECKS.length);
  });

  it.each(CHECKS.map((check) => [check.id]))('%s has an id of the form area.name', (id) => {
    expect(id).toMatch(/^[a-z]+\.[a-z]+(-[a-z]+)*$/);
  });

  it.each(CHECKS.map((check) => [check.id, check]))('%s has a title and needs only known sources', (_, check) => {
    expect(check.title.trim()).not.toBe('');
    // A check reads some source: docker.engine only uses one, judging its failure itself.
    expect(check.needs.length + (check.uses?.length ?? 0)).toBeGreaterThan(0);
    for (const source of [...check.needs, ...(check.uses ?? [])]) expect(SOURCE_NAMES).toContain(source);
  });
});

describe.each(CHECKS.map((check) => [check.id, check]))('check %s', (id, check) => {
  describe.each(FIXTURES)('over the %s snapshot', (_, fixture) => {
    const config = defaultConfig();

    function results(): CheckResult[] {
      return runCheck(check, deepFreeze(fixture()), config);
    }

    it('gives at least one result, each carrying the check id', () => {
      const all = results();
      expect(all.length).toBeGreaterThan(0);
      for (const result of all) expect(result.id).toBe(id);
    });

    it('names a subject and says something on every result', () => {
      for (const result of results()) {
        expect(typeof result.subject).toBe('string');
        expect(result.subject.trim()).not.toBe('');
        expect(typeof result.message).toBe('string');
        expect(result.message.trim()).not.toBe('');
      }
    });

    it('gives only known statuses', () => {
      for (const result of results()) expect(STATUSES).toContain(result.status);
    });

    it('gives details that survive JSON unchanged', () => {
      for (const result of results()) {
        expect(result.details).toBeTypeOf('object');
        expect(JSON.parse(JSON.stringify(result.details))).toStrictEqual(result.details);
      }
    });

    it('says how to fix every warning and error', () => {
      for (const result of results().filter((r) => r.status === 'warning' || r.status === 'error')) {
        expect(typeof result.remediation).toBe('string');
        expect(result.remediation?.trim()).not.toBe('');
      }
    });

    it('links every production checklist item its fixes cite', () => {
      for (const { remediation } of results()) {
        for (const citation of remediation?.match(/production checklist: .*/g) ?? []) {
          expect(citation).toMatch(/^production checklist: "[^"]+" \(https:\/\/learn\.microsoft\.com\/azure\/iot-edge\/production-checklist#[a-z0-9-]+\)/);
          expect(citation).not.toMatch(/"[^"]+"(?! \(https:)(, |\))/);
        }
      }
    });

    it('does not fail itself or change the (frozen) snapshot', () => {
      const frozen = deepFreeze(fixture());
      const before = structuredClone(frozen);
      const all = runCheck(check, frozen, config);
      for (const result of all) expect(result.message).not.toMatch(/the check itself failed/);
      expect(frozen).toStrictEqual(before);
    });

    it('does not change the config', () => {
      const own = defaultConfig();
      runCheck(check, fixture(), deepFreeze(own));
      expect(own).toStrictEqual(defaultConfig());
    });

    it('gives the same results when run twice', () => {
      const frozen = deepFreeze(fixture());
      expect(runCheck(check, frozen, config)).toStrictEqual(runCheck(check, frozen, config));
    });
  });

  // The sources it cannot judge without: those it needs, or for a check that needs none (docker.engine) those it uses.
  const inputs = check.needs.length > 0 ? check.needs : (check.uses ?? []);
  it.each(inputs.map((source) => [source]))('calls nothing ok when what %s reads could not be seen', (source) => {
    const all = runCheck(check, deepFreeze(BLIND[source](healthy())), defaultConfig());
    expect(all.length).toBeGreaterThan(0);
    expect(all.filter((r) => r.status === 'ok')).toEqual([]);
  });

  it('reads only the sources it declares in needs or uses', () => {
    const read = new Set<string>();
    for (const [, fixture] of FIXTURES) check.run(recordingReads(fixture(), read), defaultConfig());
    expect([...read].filter((source) => ![...check.needs, ...(check.uses ?? [])].includes(source as SourceName))).toEqual([]);
  });

  it('finds something to flag in the troubled snapshots, so the contract above is not vacuous', () => {
    const flagged = [troubled(), troubledWithSizes(), unreachableEngine()]
      .flatMap((snap) => runCheck(check, snap, defaultConfig()))
      .filter((r) => r.status === 'warning' || r.status === 'error');
    expect(flagged.length).toBeGreaterThan(0);
  });

  it('declares twin numbers its results carry as numbers, each once', () => {
    const all = [...FIXTURES.map(([, fixture]) => fixture()), unreachableEngine()].flatMap((snap) => runCheck(check, snap, defaultConfig()));
    expect(new Set(check.twinNumbers).size).toBe(check.twinNumbers.length);
    for (const key of check.twinNumbers) {
      // Where a result has it, a number, or null for one not known this cycle (the twin leaves that out).
      for (const { subject, details } of all) if (key in details) expect(details[key] === null || typeof details[key] === 'number', `${key} of ${subject}`).toBe(true);
      // A declared number that no result carries is misspelt or gone.
      expect(all.some(({ details }) => typeof details[key] === 'number'), key).toBe(true);
    }
  });

  it('finds nothing to flag in the healthy snapshot', () => {
    const statuses = runCheck(check, healthy(), defaultConfig()).map((r) => r.status);
    expect(statuses.filter((status) => status === 'warning' || status === 'error')).toEqual([]);
  });

  it.each(check.needs.map((source) => [source]))('yields one skipped result carrying the error when %s failed', (source) => {
    const error = `${source} collector: engine went away`;
    const all = runCheck(check, deepFreeze(withFailedSource(healthy(), source, error)), defaultConfig());
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ id, status: 'skipped' });
    expect(all[0].message).toContain(error);
    expect(all[0].details).toMatchObject({ missingSources: [source] });
  });

  // A check that needs no source (docker.engine) has no several to fail.
  if (check.needs.length > 0) {
    it('yields one skipped result naming each distinct error when several needed sources failed', () => {
      const broken = check.needs.reduce((snap, source) => withFailedSource(snap, source, `${source} broke`), healthy());
      const all = runCheck(check, broken, defaultConfig());
      expect(all).toHaveLength(1);
      expect(all[0].status).toBe('skipped');
      for (const source of check.needs) expect(all[0].message).toContain(`${source} broke`);
    });
  }

  it.each((check.uses ?? []).map((source) => [source]))('still judges, without failing itself, when %s (used, not needed) failed', (source) => {
    const all = runCheck(check, deepFreeze(withFailedSource(healthy(), source, `${source} broke`)), defaultConfig());
    expect(all.length).toBeGreaterThan(0);
    for (const result of all) expect(result.message).not.toMatch(/the check itself failed/);
  });

  it('still runs when only sources it does not need failed', () => {
    const unneeded = SOURCE_NAMES.filter((source) => !check.needs.includes(source) && !check.uses?.includes(source));
    const snap = unneeded.reduce((s, source) => ({ ...s, sources: { ...s.sources, [source]: failed('elsewhere') } }), healthy());
    for (const result of runCheck(check, snap, defaultConfig())) expect(result.message).not.toContain('elsewhere');
  });
});
