// How long one check cycle takes on a host with many containers (memory: bench/peak-rss.sh).
// Run: npm run bench (needs the private engine: bash scripts/engine.sh start, then DOCKER_HOST from
// bash scripts/engine.sh env). Plants its own containers and volumes and removes them afterwards.
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { collectSnapshot } from '../src/collect/snapshot.js';
import type { VolumeSizeCache } from '../src/collect/volume-sizes.js';
import { defaultConfig } from '../src/config/settings.js';
import { buildReport } from '../src/report/build.js';
import { Plant } from '../test/support/engine.js';

const CONTAINERS = Number(process.env.BENCH_CONTAINERS ?? 60);
const plant = new Plant();
const config = defaultConfig();
const cache: { current?: VolumeSizeCache } = {};

async function cycle(volumeSizeCache: { current?: VolumeSizeCache }): Promise<void> {
  buildReport(await collectSnapshot({ config, volumeSizeCache }), config);
}

describe(`check cycle, ${CONTAINERS} containers (2/3 running, half with a volume)`, () => {
  beforeAll(async () => {
    for (let i = 0; i < CONTAINERS; i++) {
      const volume = await plant.volume(`v${i}`);
      await plant.container({
        name: `c${i}`,
        memoryBytes: 16 * 1024 ** 2,
        cmd: ['sh', '-c', 'head -c 20000 /dev/zero | tr "\\0" a; sleep 3600'],
        volumes: i % 2 ? { [volume]: '/data' } : {},
        start: i % 3 !== 0,
      });
    }
  }, 600_000);

  afterAll(async () => {
    await plant.cleanup();
  }, 600_000);

  bench('volume sizes asked from the engine (/system/df)', () => cycle({}), { iterations: 10, time: 0 });
  bench('volume sizes from the cache', () => cycle(cache), { iterations: 10, time: 0 });
});
