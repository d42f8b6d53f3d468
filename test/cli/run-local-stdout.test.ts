// `run --local` prints its reports to standard output: one nobody reads (a real pipe, full) must
// cost reports, counted in the log, never a cycle or SIGTERM.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleOutput } from '../../src/log.js';
import { freePort } from '../support/free-port.js';
import { fullPipe } from '../support/full-pipe.js';
import { parseLogLines } from '../support/iotedge-log.js';
import { sleep, until } from '../support/until.js';

const MAIN = fileURLToPath(new URL('../../dist/edge-health.js', import.meta.url));

/** The collection time of the latest cycle, from the metrics endpoint; undefined before the first or when it does not answer. */
async function lastCycleAt(port: number): Promise<number | undefined> {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.text()).catch(() => '');
  const match = /^edge_health_last_success_timestamp_seconds(?:\{[^}]*\})? (\S+)$/m.exec(text);
  return match ? Number(match[1]) : undefined;
}

describe('a standard output nobody reads', () => {
  const pipes: Array<ReturnType<typeof fullPipe>> = [];
  afterEach(() => {
    for (const pipe of pipes.splice(0)) pipe.close();
  });

  it('a console whose notice goes elsewhere writes nothing of its own, and counts every line it dropped', async () => {
    const pipe = fullPipe();
    pipes.push(pipe);
    const output = new ConsoleOutput(pipe.writer, 4096);
    const told: number[] = [];
    const elsewhere = (dropped: number) => {
      told.push(dropped);
      return undefined;
    };
    for (let i = 0; i < 200; i++) output.write(`${JSON.stringify({ i, padding: 'p'.repeat(60) })}\n`, elsewhere);
    let kept: number[] = [];
    await until('what waited, written once the pipe is read', () => {
      const lines = pipe.drain();
      const settled = lines.length > 0 && lines.length === kept.length;
      kept = lines.map((line) => (JSON.parse(line) as { i: number }).i);
      return settled;
    }, 10_000);
    output.write('{"i":200}\n', elsewhere);
    const all = await until('the line after', () => {
      const lines = pipe.drain();
      return lines.includes('{"i":200}') && lines;
    }, 10_000);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(100);
    // Nothing but the lines given: the notices went to `elsewhere`, and they add up to what was dropped.
    expect(all.map((line) => (JSON.parse(line) as { i: number }).i)).toEqual([...kept, 200]);
    expect(told.reduce((sum, n) => sum + n, 0)).toBe(200 - kept.length);
  });

  it('run --local keeps its schedule while its standard output is full, the reports arrive once it is read, and SIGTERM exits within 5 s', async () => {
    const pipe = fullPipe();
    pipes.push(pipe);
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN, 'run', '--local', '--json', '--metrics-enabled', '--metrics-port', String(port)], {
      env: { ...process.env, EDGE_HEALTH_SCHEDULE: '* * * * * *', EDGE_HEALTH_JITTER_SECONDS: '0', EDGE_HEALTH_LOG_LEVEL: 'info', EDGE_HEALTH_VOLUME_SIZES: 'false' },
      stdio: ['ignore', pipe.writer, 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      // The first report went into the full pipe: a blocking write would have stopped the agent
      // there, metrics endpoint and all. Nothing reads the pipe until then.
      const seen = new Set<number>();
      await until('three cycles while standard output is full', async () => {
        const at = await lastCycleAt(port);
        if (at !== undefined) seen.add(at);
        return seen.size >= 3;
      }, 30_000);
      const reports = await until('the reports, once read', () => {
        const lines = pipe.drain().filter((line) => line.startsWith('{'));
        return lines.length > 0 && lines;
      }, 10_000);
      expect((JSON.parse(reports[0]) as { status?: string }).status).toMatch(/^(ok|warning|error)$/);
      expect(child.exitCode).toBeNull();
      const started = Date.now();
      child.kill('SIGTERM');
      expect(await Promise.race([exited, sleep(5_000).then(() => 'still running')])).toBe(0);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(parseLogLines(stderr).some((line) => line.logText.includes('running locally'))).toBe(true);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});
