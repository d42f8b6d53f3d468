// One contract every registered source keeps, whatever it reads: in a working world it gives plain
// JSON; in a broken one it never throws and says why it failed; a hung engine or workload API is
// cut off at the deadline; an aborted signal stops its I/O. Sources run through the real runner,
// against the private engine and a host root of files made here.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceRun } from '../../src/collect/run-source.js';
import { type CollectOptions, collectSnapshot, runSources, toSourceOptions } from '../../src/collect/snapshot.js';
import { SOURCES, SOURCE_NAMES, type SourceOptions } from '../../src/collect/sources.js';
import { defaultConfig } from '../../src/config/settings.js';
import type { Snapshot, SourceName } from '../../src/snapshot.js';
import { CertificateFactory, daysFromNow } from '../support/certificates.js';
import { Plant, TEST_ENGINE_ENDPOINT, describeWithEngine } from '../support/engine.js';

const MiB = 1024 ** 2;
const ENGINE_UNREACHABLE = /Docker engine not reachable at unix:\/\/.*no-such-engine\.sock/;
const TIMED_OUT = /^timed out after 1000 ms$/;

/**
 * What each source gives where files are broken and the engine is missing (`broken`), and where
 * the engine and the workload API accept connections and never answer (`hung`): 'ok', or the
 * reason it records. Total, so a new source must say how it behaves here.
 */
const EXPECTED: Record<SourceName, { broken: 'ok' | RegExp; hung: 'ok' | RegExp }> = {
  docker: { broken: ENGINE_UNREACHABLE, hung: TIMED_OUT },
  containers: { broken: ENGINE_UNREACHABLE, hung: TIMED_OUT },
  containerStats: { broken: ENGINE_UNREACHABLE, hung: TIMED_OUT },
  containerLogs: { broken: ENGINE_UNREACHABLE, hung: TIMED_OUT },
  volumeSizes: { broken: ENGINE_UNREACHABLE, hung: TIMED_OUT },
  volumes: { broken: ENGINE_UNREACHABLE, hung: TIMED_OUT },
  daemonConfig: { broken: /daemon\.json: not valid JSON/, hung: 'ok' },
  // Unreadable watched paths are data inside the scan, not a failed source.
  filesystems: { broken: 'ok', hung: 'ok' },
  iotedgeConfig: { broken: /config\.toml/, hung: 'ok' },
  // Unreadable certificate files and a bad workload URI are listed inside the scan.
  certificates: { broken: 'ok', hung: TIMED_OUT },
  // A state folder it cannot write is a note: the history lives on in memory.
  diskHistory: { broken: 'ok', hung: 'ok' },
  restartHistory: { broken: ENGINE_UNREACHABLE, hung: TIMED_OUT },
  moduleStores: { broken: ENGINE_UNREACHABLE, hung: TIMED_OUT },
  // Time servers that do not answer (none does in the test world) are answers with the reason.
  timeOffset: { broken: 'ok', hung: 'ok' },
  // No IoT Hub host here: nothing to probe, which is data too.
  upstream: { broken: 'ok', hung: 'ok' },
};

function folder(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

function hostRoot(files: Record<string, string>): string {
  const root = folder('eh-sources-host-');
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return root;
}

/** A socket that accepts connections and never answers: an engine or workload API that hangs. */
async function silentSocket(): Promise<{ uri: string; server: Server }> {
  const socket = path.join(folder('eh-sources-hang-'), 'silent.sock');
  const server = createServer(() => {});
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return { uri: `unix://${socket}`, server };
}

function fieldOf(snapshot: Snapshot, name: SourceName): unknown {
  return snapshot[name];
}

describe('the source registry', () => {
  it('names every source once, each after the sources it waits for', () => {
    expect(new Set(SOURCE_NAMES).size).toBe(SOURCES.length);
    SOURCES.forEach((source, index) => {
      const earlier = SOURCE_NAMES.slice(0, index);
      for (const name of [...source.needs, ...source.uses]) expect(earlier).toContain(name);
    });
  });
});

describeWithEngine('every source', () => {
  const plant = new Plant();
  const certificates = new CertificateFactory();
  const edgeCa = certificates.issue('edge-ca', { notAfter: daysFromNow(365) });
  let working: CollectOptions;
  let workingSnapshot: Snapshot;
  let workingRuns: Map<string, SourceRun<unknown>>;
  let workingOptions: SourceOptions;
  let broken: Snapshot;
  let hung: Snapshot;
  let hungMs: number;
  const servers: Server[] = [];

  beforeAll(async () => {
    // A running container with a memory limit and a json-file log, so every Docker source has work to do.
    await plant.container({ name: 'limited', memoryBytes: 32 * MiB });
    working = {
      config: { ...defaultConfig(), stateFolder: folder('eh-sources-state-') },
      engineEndpoint: TEST_ENGINE_ENDPOINT,
      workloadUri: undefined,
    };
    working.config.hostRoot = hostRoot({
      'etc/docker/daemon.json': '{"log-driver": "local"}',
      'etc/aziot/config.toml': '[edge_ca]\ncert = "file:///var/aziot/certs/edge-ca.pem"\npk = "file:///var/aziot/secrets/edge-ca.key.pem"\n',
      'var/aziot/certs/edge-ca.pem': edgeCa.pem,
    });
    workingSnapshot = await collectSnapshot(working);
    workingOptions = toSourceOptions(working);
    workingRuns = await runSources(SOURCES, workingOptions, 20_000);

    const notAFolder = path.join(folder('eh-sources-state-'), 'a-file');
    writeFileSync(notAFolder, '');
    broken = await collectSnapshot({
      config: {
        ...defaultConfig(),
        hostRoot: hostRoot({ 'etc/docker/daemon.json': '{"log-driver": ', 'etc/aziot/config.toml': '[edge_ca\n' }),
        extraPaths: ['/no/such/path'],
        certificatePaths: ['/no/such/cert.pem'],
        stateFolder: notAFolder,
      },
      engineEndpoint: `unix://${path.join(tmpdir(), 'no-such-engine.sock')}`,
      workloadUri: 'not a uri',
    });

    const engine = await silentSocket();
    const workloadApi = await silentSocket();
    servers.push(engine.server, workloadApi.server);
    const started = performance.now();
    hung = await collectSnapshot({
      config: { ...defaultConfig(), hostRoot: working.config.hostRoot, collectTimeoutSeconds: 1 },
      engineEndpoint: engine.uri,
      workloadUri: workloadApi.uri,
    });
    hungMs = performance.now() - started;
  });
  afterAll(async () => {
    for (const server of servers) server.close();
    await plant.cleanup();
  });

  it('cuts off a hung engine and workload API at the deadline, whatever waits for them', () => {
    // Two deadlines in a row at most (the engine's, then a dependant's), with room for a slow machine.
    expect(hungMs).toBeLessThan(10_000);
  });

  describe.each(SOURCES.map((source) => [source.name as SourceName]))('%s', (name) => {
    it('works in a working world and keeps plain JSON in its snapshot field', () => {
      expect(workingSnapshot.sources[name]).toMatchObject({ ok: true });
      const field = fieldOf(workingSnapshot, name);
      expect(field).not.toBeNull();
      expect(JSON.parse(JSON.stringify(field))).toStrictEqual(field);
    });

    it('in a broken world, records the reason it failed, or keeps the failure inside its data', () => {
      const status = broken.sources[name];
      const expected = EXPECTED[name].broken;
      if (expected === 'ok') {
        expect(status).toMatchObject({ ok: true });
        expect(JSON.parse(JSON.stringify(fieldOf(broken, name)))).toStrictEqual(fieldOf(broken, name));
      } else {
        expect(status).toMatchObject({ ok: false, error: expect.stringMatching(expected) });
        expect(fieldOf(broken, name)).toBeNull();
      }
      expect(status.durationMs).toBeGreaterThanOrEqual(0);
    });

    it('against a hung engine and workload API, is cut off at its deadline or does not wait for them', () => {
      const expected = EXPECTED[name].hung;
      if (expected === 'ok') expect(hung.sources[name]).toMatchObject({ ok: true });
      else expect(hung.sources[name]).toMatchObject({ ok: false, error: expect.stringMatching(expected) });
    });

    it('stops its I/O when its signal has fired: it rejects instead of reading on', async () => {
      const source = SOURCES.find((s) => s.name === name);
      if (!source) throw new Error(`${name} is not registered`);
      const needed = Object.fromEntries(source.needs.map((need) => [need, workingRuns.get(need)?.value]));
      const used = Object.fromEntries(source.uses.map((use) => [use, workingRuns.get(use)]));
      // Fresh state, so nothing is answered from a cache without I/O.
      const options: SourceOptions = { ...workingOptions, volumeSizeCache: {}, diskHistory: {} };
      const aborted = AbortSignal.abort();
      await expect(source.collect({ options, needed, used: used as Record<string, SourceRun<unknown>>, signal: aborted, note: () => {} })).rejects.toThrow();
    });
  });
});
