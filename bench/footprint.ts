// The footprint benchmark (npm run bench; bench/run.sh sets the stage): on the private engine with N
// containers it measures, interleaved with a floor doing the least any agent must, the cycle in
// process and as whole one-shot processes; the steady memory of `run --local` and of `run` against
// the local test hub beside Prometheus node exporter; metered IoT Hub units per day for each
// telemetry mode; the image's added size. Prints a markdown table and writes the same as JSON.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Docker from 'dockerode';
import { collectSnapshot } from '../src/collect/snapshot.js';
import type { VolumeSizeCache } from '../src/collect/volume-sizes.js';
import { type Config, defaultConfig } from '../src/config/settings.js';
import { checkedReport } from '../test/support/report.js';
import type { Snapshot } from '../src/snapshot.js';
import { startTestHub } from '../test/support/hub/index.js';
import setupServiceCa from '../test/support/hub/service-ca.js';
import { floorCycle, socketOf } from './floor.js';
import { type MeteredDay, meteredDay } from './metered-units.js';

const { values: options } = parseArgs({
  options: {
    sizes: { type: 'string', default: '50,200,500' },
    rounds: { type: 'string', default: '5' },
    'memory-seconds': { type: 'string', default: '300' },
    'growth-cycles': { type: 'string', default: '1000' },
    'growth-seconds': { type: 'string', default: '900' },
    'growth-at': { type: 'string', default: '200' },
    'extra-volumes': { type: 'string', default: '5000' },
    'skip-image': { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench/results' },
  },
});
const SIZES = options.sizes.split(',').map(Number).sort((a, b) => a - b);
const ROUNDS = Number(options.rounds);
const MEMORY_SECONDS = Number(options['memory-seconds']);
const EXTRA_VOLUMES = Number(options['extra-volumes']);
const GROWTH_CYCLES = Number(options['growth-cycles']);
const GROWTH_SECONDS = Number(options['growth-seconds']);
/** The size (one of --sizes) whose growth is measured over many cycles: 200 by the targets; a smaller one gets there sooner. */
const GROWTH_AT = Number(options['growth-at']);
/** Fewer cycles than this give no growth figure: a few cycles' RSS is noise (-211 MiB per 100 cycles from 7). */
const MIN_GROWTH_CYCLES = 100;
/** The memory targets name 200 containers: the size nearest it gets the long memory phase, the largest a shorter one with the extra volumes. */
const TARGET_SIZE = SIZES.reduce((best, size) => (Math.abs(size - 200) < Math.abs(best - 200) ? size : best));
const { BENCH_AGENT, BENCH_FLOOR, BENCH_PROBE, BENCH_GROWTH, BENCH_NODE_EXPORTER } = process.env as Record<string, string>;
const IMAGE = 'edge-health-test/busybox:1';
const PREFIX = 'ehbench-';
const MiB = 1024 ** 2;
const docker = new Docker();

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
};
const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const log = (message: string) => process.stderr.write(`bench: ${message}\n`);

async function inBatches<T>(items: T[], width: number, each: (item: T) => Promise<unknown>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: width }, async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) await each(next);
  }));
}

// --- the host: containers with volumes, logs and a few memory limits -----------------------------

/** Four running containers with a memory limit, so every cycle reads stats; every 60th stopped one limited too. */
const limited = (i: number) => [1, 2, 4, 5].includes(i) || i % 60 === 0;
let planted = 0;

async function plantUpTo(count: number): Promise<void> {
  const indexes = Array.from({ length: count - planted }, (_, k) => planted + k);
  await inBatches(indexes, 6, async (i) => {
    const volume = i % 2 ? `${PREFIX}v${i}` : undefined;
    if (volume) await docker.createVolume({ Name: volume });
    const container = await docker.createContainer({
      name: `${PREFIX}c${i}`,
      Image: IMAGE,
      Cmd: ['sh', '-c', 'head -c 20000 /dev/zero | tr "\\0" a; exec sleep 86400'],
      HostConfig: { NetworkMode: 'none', Memory: limited(i) ? 16 * MiB : 0, Binds: volume ? [`${volume}:/data`] : [] },
    });
    if (i % 3 !== 0) await container.start();
  });
  planted = count;
}

/** Removes what a bench run planted, this one's or one that was cut short. */
async function removePlanted(): Promise<void> {
  const containers = await docker.listContainers({ all: true, filters: { name: [PREFIX] } });
  await inBatches(containers, 8, (c) => docker.getContainer(c.Id).remove({ force: true, v: true }));
  const volumes = (await docker.listVolumes()).Volumes?.filter((v) => v.Name.startsWith(PREFIX)) ?? [];
  await inBatches(volumes, 16, (v) => docker.getVolume(v.Name).remove());
  planted = 0;
}

async function plantExtraVolumes(count: number): Promise<void> {
  await inBatches(Array.from({ length: count }, (_, j) => j), 16, (j) => docker.createVolume({ Name: `${PREFIX}x${j}` }));
}

// --- measured child processes ---------------------------------------------------------------------

interface Usage {
  atMs: number;
  rss?: number;
  heapUsed?: number;
  exit?: boolean;
  maxRssBytes?: number;
  cpuMicros?: number;
}

interface Measured {
  wallMs: number;
  cpuMs: number;
  maxRssBytes: number;
  samples: Usage[];
  stdoutLines: number;
}

let usageFiles = 0;
/** Runs node with the usage probe until it exits or `stop` is aborted (then SIGTERM). */
function measure(args: string[], env: NodeJS.ProcessEnv = {}, stop?: AbortSignal): Promise<Measured> {
  const usageFile = path.join(os.tmpdir(), `edge-health-bench-${process.pid}-${usageFiles++}.jsonl`);
  writeFileSync(usageFile, '');
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', BENCH_PROBE, ...args], {
    env: { PATH: process.env.PATH, DOCKER_HOST: process.env.DOCKER_HOST, EDGE_HEALTH_LOG_LEVEL: 'warn', ...env, BENCH_USAGE_FILE: usageFile },
    // The long runs' logs (node-cron's overlap warnings) would drown the bench's own.
    stdio: ['ignore', 'pipe', stop ? 'ignore' : 'inherit'],
  });
  let lines = 0;
  child.stdout.on('data', (chunk: Buffer) => (lines += chunk.toString().split('\n').length - 1));
  stop?.addEventListener('abort', () => child.kill('SIGTERM'), { once: true });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => {
      const wallMs = performance.now() - started;
      const samples = readFileSync(usageFile, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Usage);
      const exit = samples.find((s) => s.exit);
      if (!exit) return reject(new Error(`node ${args.join(' ')} left no usage record`));
      resolve({ wallMs, cpuMs: (exit.cpuMicros ?? 0) / 1000, maxRssBytes: exit.maxRssBytes ?? 0, samples: samples.filter((s) => !s.exit), stdoutLines: lines });
    });
  });
}

// --- cycle time against the floor -----------------------------------------------------------------

async function inProcess(rounds: number) {
  const config = defaultConfig();
  const volumeSizeCache: { current?: VolumeSizeCache } = {};
  const agentCycle = async () => checkedReport(await collectSnapshot({ config, volumeSizeCache }), config);
  await agentCycle(); // sizes cached from here on, as in a running module
  const agentMs: number[] = [];
  const cpuMs: number[] = [];
  const statsMs: number[] = [];
  const floorMs: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const timeAgent = async () => {
      const cpu = process.cpuUsage();
      const started = performance.now();
      const report = await agentCycle();
      agentMs.push(performance.now() - started);
      const used = process.cpuUsage(cpu);
      cpuMs.push((used.user + used.system) / 1000);
      statsMs.push(report.sources.containerStats?.durationMs ?? NaN);
    };
    const timeFloor = async () => {
      const started = performance.now();
      await floorCycle(socketOf());
      floorMs.push(performance.now() - started);
    };
    // Alternate who goes first, so neither always meets a warm or a cold engine.
    if (r % 2) (await timeAgent(), await timeFloor());
    else (await timeFloor(), await timeAgent());
    ratios.push(agentMs[r] / floorMs[r]);
  }
  return { agentMs: median(agentMs), floorMs: median(floorMs), ratio: median(ratios), cpuMsPerCycle: median(cpuMs), containerStatsMs: median(statsMs) };
}

async function oneShot(rounds: number) {
  const runs: Record<'check' | 'checkNoSizes' | 'floor', Measured[]> = { check: [], checkNoSizes: [], floor: [] };
  const commands: Array<[keyof typeof runs, string[]]> = [
    ['check', [BENCH_AGENT, 'check', '--json']],
    ['checkNoSizes', [BENCH_AGENT, 'check', '--json', '--no-volume-sizes']],
    ['floor', [BENCH_FLOOR]],
  ];
  for (let r = 0; r < rounds; r++) {
    // Rotate the order each round.
    for (let k = 0; k < commands.length; k++) {
      const [name, args] = commands[(r + k) % commands.length];
      runs[name].push(await measure(args));
    }
  }
  const summary = (name: keyof typeof runs) => ({
    wallMs: median(runs[name].map((m) => m.wallMs)),
    cpuMs: median(runs[name].map((m) => m.cpuMs)),
    maxRssMiB: median(runs[name].map((m) => m.maxRssBytes / MiB)),
  });
  const ratio = (name: 'check' | 'checkNoSizes', of: 'wallMs' | 'cpuMs') => median(runs[name].map((m, i) => m[of] / runs.floor[i][of]));
  return {
    check: summary('check'),
    checkNoSizes: summary('checkNoSizes'),
    floor: summary('floor'),
    wallRatio: ratio('check', 'wallMs'),
    wallRatioNoSizes: ratio('checkNoSizes', 'wallMs'),
    cpuRatio: ratio('check', 'cpuMs'),
  };
}

// --- what each dependency costs at start-up --------------------------------------------------------

/** Each production dependency imported alone from node_modules, and the bundle's start-up, over bare Node. */
async function dependencyCost(rounds: number) {
  const { dependencies } = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
  const runs: Array<[string, string[]]> = [
    ['bare node', ['-e', '0']],
    ...Object.keys(dependencies).map((name): [string, string[]] => [name, ['--input-type=module', '-e', `await import(${JSON.stringify(name)})`]]),
    ['the bundle (--version)', [BENCH_AGENT, '--version']],
  ];
  const measured = new Map<string, Measured[]>(runs.map(([name]) => [name, []]));
  for (let r = 0; r < rounds; r++) for (const [name, args] of runs) measured.get(name)!.push(await measure(args));
  const bare = measured.get('bare node')!;
  return Object.fromEntries([...measured].map(([name, list]) => [name, {
    wallMs: round(median(list.map((m) => m.wallMs)), 0),
    cpuMs: round(median(list.map((m) => m.cpuMs)), 0),
    rssMiB: round(median(list.map((m) => m.maxRssBytes / MiB))),
    addedRssMiB: round(median(list.map((m, i) => (m.maxRssBytes - bare[i].maxRssBytes) / MiB))),
    addedCpuMs: round(median(list.map((m, i) => m.cpuMs - bare[i].cpuMs)), 0),
  }]));
}

// --- steady memory beside node exporter -----------------------------------------------------------

const EVERY_SECOND = { EDGE_HEALTH_SCHEDULE: '* * * * * *', EDGE_HEALTH_JITTER_SECONDS: '0' };
/** V8 settings compared for the connected module: the bench shows which, if any, helps. */
const V8_VARIANTS: Record<string, string[]> = {
  default: [],
  'semi-space 1 MiB': ['--max-semi-space-size=1'],
  'semi-space 1 MiB, optimize for size': ['--max-semi-space-size=1', '--optimize-for-size'],
};

function steady(measured: Measured, cycles: number, seconds: number) {
  // The second half: start-up and the first cycles' growth are over.
  const half = measured.samples.slice(Math.floor(measured.samples.length / 2)).filter((s) => s.rss !== undefined);
  const t0 = half[0]?.atMs ?? 0;
  const xs = half.map((s) => (s.atMs - t0) / 1000);
  const ys = half.map((s) => s.rss! / MiB);
  const slopePerSecond = slope(xs, ys);
  return {
    cycles,
    rssMiB: round(median(ys)),
    heapUsedMiB: round(median(half.map((s) => s.heapUsed! / MiB))),
    peakRssMiB: round(measured.maxRssBytes / MiB),
    growthMiBPer100Cycles: cycles >= MIN_GROWTH_CYCLES ? round((slopePerSecond * seconds * 100) / cycles, 2) : null,
  };
}

/** Least-squares slope of ys over xs. */
function slope(xs: number[], ys: number[]): number {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  return xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
}

const growthText = (growth: number | null, cycles: number) => (growth === null ? `n/a (only ${cycles} cycles)` : `${growth} MiB per 100 cycles`);

// --- growth over many cycles back to back ---------------------------------------------------------

/** Cycles after which the bounded histories are full (disk.forecast keeps 288 samples): growth is read after them. */
const HISTORIES_FULL_AT = 300;

/** The module's cycle runner back to back in its own process, heap collected before each sample. */
async function growthPhase(cycles: number, seconds: number) {
  const child = spawn(process.execPath, ['--expose-gc', BENCH_GROWTH, String(cycles), String(seconds)], {
    env: { PATH: process.env.PATH, DOCKER_HOST: process.env.DOCKER_HOST, EDGE_HEALTH_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`growth probe exited with ${code}`);
  const run = JSON.parse(out) as { cycles: number; seconds: number; samples: Array<{ cycle: number; heapUsedBytes: number; rssBytes: number }> };
  const late = run.samples.filter((s) => s.cycle > HISTORIES_FULL_AT);
  const measured = run.cycles - HISTORIES_FULL_AT >= 2 * MIN_GROWTH_CYCLES && late.length >= 4;
  const per100 = (key: 'heapUsedBytes' | 'rssBytes') => (measured ? round((slope(late.map((s) => s.cycle), late.map((s) => s[key] / MiB)) * 100), 3) : null);
  return {
    cycles: run.cycles,
    seconds: run.seconds,
    fromCycle: HISTORIES_FULL_AT,
    heapMiBPer100Cycles: per100('heapUsedBytes'),
    rssMiBPer100Cycles: per100('rssBytes'),
    heapFirstMiB: round((run.samples[0]?.heapUsedBytes ?? NaN) / MiB),
    heapLastMiB: round((run.samples.at(-1)?.heapUsedBytes ?? NaN) / MiB),
    rssLastMiB: round((run.samples.at(-1)?.rssBytes ?? NaN) / MiB),
  };
}

async function nodeExporterPeer(): Promise<{ stop: () => Promise<number> }> {
  const port = 19100 + (process.pid % 500);
  const child = spawn(BENCH_NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  const rss: number[] = [];
  const timer = setInterval(() => {
    try {
      const kib = /^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
      if (kib) rss.push(Number(kib) / 1024);
      // Scraped like Prometheus does, so it does its work while measured.
      http.get(`http://127.0.0.1:${port}/metrics`, (response) => response.resume()).on('error', () => {});
    } catch {
      // not started yet, or gone
    }
  }, 2_000);
  return {
    stop: async () => {
      clearInterval(timer);
      child.kill('SIGTERM');
      return round(median(rss.slice(Math.floor(rss.length / 2))));
    },
  };
}

async function memoryPhase(seconds: number) {
  await setupServiceCa();
  const hub = await startTestHub();
  try {
    const stop = new AbortController();
    const exporter = await nodeExporterPeer();
    const local = measure([BENCH_AGENT, 'run', '--local', '--json'], EVERY_SECOND, stop.signal);
    const connected = Object.entries(V8_VARIANTS).map(([name, flags]) => {
      const moduleId = hub.addModule();
      return { name, moduleId, run: measure([...flags, BENCH_AGENT, 'run'], { ...hub.moduleEnv(moduleId), ...EVERY_SECOND }, stop.signal) };
    });
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    stop.abort();
    const cyclesOf = (moduleId: string) => hub.events(moduleId).filter((e) => e.outputName === 'health').length;
    const localRun = await local;
    const result = {
      seconds,
      local: steady(localRun, localRun.stdoutLines, seconds),
      connected: Object.fromEntries(await Promise.all(connected.map(async ({ name, moduleId, run }) => [name, steady(await run, cyclesOf(moduleId), seconds)] as const))),
      nodeExporterRssMiB: await exporter.stop(),
    };
    return result;
  } finally {
    await hub.close();
  }
}

// --- cloud cost -----------------------------------------------------------------------------------

async function cloudCost() {
  // A low log threshold, so one chatty container is the problem that appears and clears.
  const config: Config = { ...defaultConfig(), logWarnBytes: 1 * MiB };
  const volumeSizeCache: { current?: VolumeSizeCache } = {};
  // One after another, as the module's cycles are.
  const collect = async (k: number) => {
    const snapshots: Snapshot[] = [];
    for (let i = 0; i < k; i++) snapshots.push(await collectSnapshot({ config, volumeSizeCache }));
    return snapshots;
  };
  const steadySnapshots = await collect(4);
  const chatty = await docker.createContainer({ name: `${PREFIX}chatty`, Image: IMAGE, Cmd: ['sh', '-c', 'head -c 3000000 /dev/zero | tr "\\0" a; exec sleep 86400'], HostConfig: { NetworkMode: 'none' } });
  await chatty.start();
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const problemSnapshots = await collect(4);
  await chatty.remove({ force: true });
  const steadyAt = (cycle: number) => steadySnapshots[cycle % steadySnapshots.length];
  const withProblem = (cycle: number): Snapshot => (cycle >= 100 && cycle < 200 ? problemSnapshots[cycle % problemSnapshots.length] : steadyAt(cycle));
  const result: Record<string, Record<string, MeteredDay>> = {};
  for (const mode of ['always', 'onChange'] as const) {
    result[mode] = { steady: await meteredDay(steadyAt, mode, config), problem: await meteredDay(withProblem, mode, config) };
  }
  return result;
}

// --- image ----------------------------------------------------------------------------------------

function imageAddedBytes(): Promise<number> {
  return new Promise((resolve, reject) => {
    const base = spawn('bash', ['scripts/node-base-image.sh'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let name = '';
    base.stdout.on('data', (chunk: Buffer) => (name += chunk.toString()));
    base.on('close', () => {
      const size = spawn('bash', ['scripts/image-size.sh', '--base', name.trim(), '--tag', 'edge-health-bench:size', '--network', 'host'], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      size.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      size.on('close', (code) => (code === 0 ? resolve(Number(/^added (\d+)$/m.exec(out)?.[1])) : reject(new Error(`image-size.sh exited with ${code}`))));
    });
  });
}

// --- the run --------------------------------------------------------------------------------------

async function main() {
  const engine = await docker.version();
  const machine = {
    date: new Date().toISOString(),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(os.totalmem() / 1024 ** 3),
    loadAverage: os.loadavg().map((l) => round(l, 2)),
    node: process.version,
    engine: `${engine.Version} (API ${engine.ApiVersion})`,
  };
  log(`machine: ${JSON.stringify(machine)}`);
  await removePlanted();
  try {
    await measureAll(machine);
  } finally {
    log('removing what the bench planted');
    await removePlanted();
  }
}

async function measureAll(machine: Record<string, unknown>) {
  const sizes: Array<Record<string, unknown>> = [];
  for (const size of SIZES) {
    log(`planting ${size} containers`);
    await plantUpTo(size);
    const largest = size === SIZES.at(-1) && size !== TARGET_SIZE;
    if (largest && EXTRA_VOLUMES > 0) {
      log(`planting ${EXTRA_VOLUMES} more volumes`);
      await plantExtraVolumes(EXTRA_VOLUMES);
    }
    log(`${size}: cycles in process`);
    const cycle = await inProcess(ROUNDS);
    log(`${size}: one-shot processes`);
    const processes = await oneShot(ROUNDS);
    const seconds = size === TARGET_SIZE ? MEMORY_SECONDS : largest ? Math.round(MEMORY_SECONDS / 5) : 0;
    log(`${size}: memory for ${seconds} s`);
    const memory = seconds > 0 ? await memoryPhase(seconds) : null;
    const growthCycles = size === GROWTH_AT ? GROWTH_CYCLES : 0;
    if (growthCycles > 0) log(`${size}: ${growthCycles} cycles back to back (at most ${GROWTH_SECONDS} s)`);
    const growth = growthCycles > 0 ? await growthPhase(growthCycles, GROWTH_SECONDS) : null;
    sizes.push({ containers: size, volumes: Math.floor(size / 2) + (largest ? EXTRA_VOLUMES : 0), cycle, processes, memory, growth });
    log(`${size}: ${JSON.stringify(sizes.at(-1))}`);
  }
  log('dependencies');
  const dependencies = await dependencyCost(ROUNDS);
  log('cloud cost');
  await plantUpTo(Math.max(planted, 1));
  const cloud = await cloudCost();
  const imageBytes = options['skip-image'] ? null : (log('image'), await imageAddedBytes());
  const results = {
    machine,
    options: { sizes: SIZES, rounds: ROUNDS, memorySeconds: MEMORY_SECONDS, growthCycles: GROWTH_CYCLES, growthSeconds: GROWTH_SECONDS, growthAt: GROWTH_AT, extraVolumes: EXTRA_VOLUMES },
    sizes,
    dependencies,
    cloud,
    imageAddedBytes: imageBytes,
  };
  mkdirSync(options.out, { recursive: true });
  writeFileSync(path.join(options.out, 'footprint.json'), `${JSON.stringify(results, null, 2)}\n`);
  const table = markdown(results);
  writeFileSync(path.join(options.out, 'footprint.md'), table);
  process.stdout.write(table);
}

type Results = { machine: Record<string, unknown>; sizes: Array<Record<string, any>>; dependencies: Record<string, Record<string, number>>; cloud: Record<string, Record<string, MeteredDay>>; imageAddedBytes: number | null };

function markdown({ machine, sizes, dependencies, cloud, imageAddedBytes }: Results): string {
  const rows: string[][] = [];
  for (const s of sizes) {
    const at = `${s.containers} containers, ${s.volumes} volumes`;
    rows.push([`cycle in process, sizes cached (${at})`, `${round(s.cycle.agentMs, 0)} ms; floor ${round(s.cycle.floorMs, 0)} ms: **${round(s.cycle.ratio, 2)} ×**`, `containerStats alone ${round(s.cycle.containerStatsMs, 0)} ms; CPU ${round(s.cycle.cpuMsPerCycle, 0)} ms per cycle`]);
    rows.push([`one-shot \`check\`, whole process (${at})`, `${round(s.processes.check.wallMs, 0)} ms wall: **${round(s.processes.wallRatio, 2)} ×** the floor process (${round(s.processes.floor.wallMs, 0)} ms); CPU ${round(s.processes.cpuRatio, 2)} ×`, `\`--no-volume-sizes\`: ${round(s.processes.checkNoSizes.wallMs, 0)} ms, ${round(s.processes.wallRatioNoSizes, 2)} ×; peak RSS ${round(s.processes.check.maxRssMiB)} MiB (floor ${round(s.processes.floor.maxRssMiB)})`]);
    if (s.memory) {
      const m = s.memory;
      rows.push([`\`run --local\`, a cycle a second for ${m.seconds} s (${at})`, `steady RSS **${m.local.rssMiB} MiB**, heap ${m.local.heapUsedMiB} MiB, peak ${m.local.peakRssMiB} MiB`, `${m.local.cycles} cycles; growth ${growthText(m.local.growthMiBPer100Cycles, m.local.cycles)}; node exporter ${m.nodeExporterRssMiB} MiB`]);
      for (const [variant, c] of Object.entries(m.connected as Record<string, any>)) {
        rows.push([`\`run\` against the test hub, V8 ${variant} (${at})`, `steady RSS **${c.rssMiB} MiB** (${round(c.rssMiB / m.nodeExporterRssMiB, 1)} × node exporter), heap ${c.heapUsedMiB} MiB, peak ${c.peakRssMiB} MiB`, `${c.cycles} cycles; growth ${growthText(c.growthMiBPer100Cycles, c.cycles)}`]);
      }
    }
    if (s.growth) {
      const g = s.growth;
      const measured = g.heapMiBPer100Cycles === null ? `n/a (only ${g.cycles} cycles, ${g.fromCycle + 2 * MIN_GROWTH_CYCLES} needed)` : `heap **${g.heapMiBPer100Cycles} MiB**, RSS ${g.rssMiBPer100Cycles} MiB per 100 cycles`;
      rows.push([`${g.cycles} cycles back to back in one process, heap collected before each sample (${at})`, measured, `slope from cycle ${g.fromCycle} (histories full); ${g.seconds} s; heap after GC ${g.heapFirstMiB} → ${g.heapLastMiB} MiB, RSS at the end ${g.rssLastMiB} MiB`]);
    }
  }
  for (const [mode, scenarios] of Object.entries(cloud)) {
    rows.push([`metered units per device per day, \`telemetryMode=${mode}\``, `steady host **${scenarios.steady.units}**`, `one problem appearing and clearing: ${scenarios.problem.units} (${scenarios.problem.events} events, ${scenarios.problem.patches} twin patches)`]);
  }
  const costs = Object.entries(dependencies).filter(([name]) => name !== 'bare node').map(([name, d]) => `${name} +${d.addedRssMiB} MiB, +${d.addedCpuMs} ms CPU`);
  rows.push(['start-up: each dependency imported alone from node_modules, over bare Node', costs.slice(0, -1).join('; '), `bare Node ${dependencies['bare node'].rssMiB} MiB, ${dependencies['bare node'].wallMs} ms; ${costs.at(-1)}`]);
  if (imageAddedBytes !== null) rows.push(['image: added to the Node base', `**${round(imageAddedBytes / 1e6)} MB**`, '`scripts/image-size.sh`']);
  const header = `Footprint, ${machine.date} · ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, load ${(machine.loadAverage as number[]).join(' ')} · Node ${machine.node} · engine ${machine.engine}\n\n`;
  return `${header}| what | measured | notes |\n| --- | --- | --- |\n${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}\n`;
}

await main();
