// An engine that is missing or hangs becomes data in the snapshot; host sources still work.
import { createServer, type Server } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectSnapshot } from '../../src/collect/snapshot.js';
import { defaultConfig } from '../../src/config/settings.js';

describe('without a usable engine', () => {
  it('records an unreachable engine as the reason for every Docker source', async () => {
    const engineEndpoint = `unix://${path.join(tmpdir(), 'no-such-engine.sock')}`;
    const snapshot = await collectSnapshot({ config: defaultConfig(), engineEndpoint });
    expect(snapshot.sources.docker).toMatchObject({ ok: false, error: expect.stringMatching(/not reachable at unix:\/\/.*no-such-engine\.sock.*ENOENT/) });
    for (const source of ['containers', 'containerStats', 'containerLogs', 'volumes', 'volumeSizes'] as const) {
      expect(snapshot.sources[source]).toMatchObject({ ok: false, error: snapshot.sources.docker.error });
    }
    expect(snapshot.docker).toBeNull();
    expect(snapshot.containers).toBeNull();
    expect(snapshot.sources.filesystems.ok).toBe(true);
    expect(snapshot.filesystems?.filesystems[0].watchedPaths).toEqual([{ path: '/', role: 'root' }]);
  });

  it('gives up on an engine that never answers at the collector deadline', async () => {
    const socket = path.join(mkdtempSync(path.join(tmpdir(), 'eh-hang-')), 'docker.sock');
    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(socket, resolve));
    try {
      const started = Date.now();
      const snapshot = await collectSnapshot({ config: { ...defaultConfig(), collectTimeoutSeconds: 1 }, engineEndpoint: `unix://${socket}` });
      expect(snapshot.sources.docker).toMatchObject({ ok: false, error: 'timed out after 1000 ms' });
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      silent.close();
    }
  });
});
