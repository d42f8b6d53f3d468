// The log format on real pino output: what edgeAgent's GetModuleLogs reads, and JSON lines; and a
// console nobody reads (a real pipe, full), which must cost log lines, never the agent's work.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleOutput, type LogFormat, formatLine, iotEdgeTimestamp } from '../src/log.js';
import { parseLogLines } from './support/iotedge-log.js';

const MAIN = fileURLToPath(new URL('../dist/edge-health.js', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function capture(format: LogFormat, level = 'trace') {
  const lines: string[] = [];
  const logger = pino({ level, base: undefined }, { write: (line: string) => lines.push(formatLine(format, line)) });
  return { logger, text: () => lines.join('') };
}

describe('the IoT Edge log format', () => {
  it('writes the syslog severity and a timestamp edgeAgent reads on every line, per level', () => {
    const { logger, text } = capture('iotedge');
    logger.trace('t');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    logger.fatal('f');
    const parsed = parseLogLines(text());
    expect(parsed.map((p) => p.logLevel)).toEqual([7, 7, 6, 4, 3, 2]);
    expect(parsed.map((p) => p.logText)).toEqual(['[VRB] t', '[DBG] d', '[INF] i', '[WRN] w', '[ERR] e', '[CRT] f']);
    for (const p of parsed) expect(p.timestamp, p.line).toBeDefined();
  });

  it('puts fields after the message as key=value, quoting what has spaces and writing objects as JSON', () => {
    const { logger, text } = capture('iotedge');
    logger.child({ action: 'pruneVolumes', requestedBy: 'command line (user root)' }).info({ name: 'old-data', bytes: 2097152, options: { dryRun: false }, ref: null }, 'removed');
    expect(parseLogLines(text())[0].logText).toBe('[INF] removed action=pruneVolumes requestedBy="command line (user root)" name=old-data bytes=2097152 options={"dryRun":false} ref=null');
  });

  it('keeps one event on one line: newlines in the message, in values and in stack traces are escaped', () => {
    const { logger, text } = capture('iotedge');
    const error = new Error('engine gone');
    logger.error({ error: error.stack, detail: 'first\nsecond' }, 'cycle failed\nbadly');
    const out = text();
    expect(out.trimEnd().split('\n')).toHaveLength(1);
    const [line] = parseLogLines(out);
    expect(line.logLevel).toBe(3);
    expect(line.logText).toMatch(/^\[ERR\] cycle failed\\nbadly error="Error: engine gone\\n {4}at /);
    expect(line.logText).toContain('detail="first\\nsecond"');
  });

  it('writes each key once, in both formats, when a child binding and the call set the same key', () => {
    for (const format of ['iotedge', 'json'] as const) {
      const { logger, text } = capture(format);
      logger.child({ name: 'bound' }).info({ name: 'old-data' }, 'removed');
      const line = text();
      expect(line.match(/"?name"?[=:]/g), line).toHaveLength(1);
      expect(line).toContain(format === 'json' ? '"name":"old-data"' : 'name=old-data');
    }
  });

  it('keeps JSON lines as pino writes them otherwise', () => {
    const { logger, text } = capture('json');
    logger.warn({ desiredVersion: 7 }, 'desired properties rejected');
    expect(JSON.parse(text())).toEqual({ level: 40, time: expect.any(Number), desiredVersion: 7, msg: 'desired properties rejected' });
  });

  it('prints local time with the process offset, milliseconds and a ±hh:mm zone', () => {
    const date = new Date('2026-12-01T23:20:00.045Z');
    const stamp = iotEdgeTimestamp(date);
    expect(stamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} [+-]\d{2}:\d{2}$/);
    const [, day, time, zone] = /^(\S+) (\S+) (\S+)$/.exec(stamp) ?? [];
    // Read back as ISO 8601 with the printed offset, it is the same instant.
    expect(new Date(`${day}T${time}${zone}`).getTime()).toBe(date.getTime());
  });
});

/**
 * A pipe (a FIFO) whose buffer is already full, as when the Docker log driver stops reading: `writer`
 * is a blocking end for the console under test, `drain()` reads what arrived so far (the filler
 * left out) until the buffer is empty.
 */
function fullPipe() {
  const dir = mkdtempSync(path.join(tmpdir(), 'eh-console-'));
  const fifo = path.join(dir, 'console');
  execFileSync('mkfifo', [fifo]);
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const filler = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  // 4096 bytes, PIPE_BUF: each write goes in whole or not at all.
  const chunk = Buffer.from(`${'f'.repeat(4095)}\n`);
  for (;;) {
    try {
      writeSync(filler, chunk);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') break;
      throw error;
    }
  }
  const writer = openSync(fifo, constants.O_WRONLY);
  let text = '';
  const buffer = Buffer.alloc(65536);
  return {
    writer,
    drain(): string[] {
      for (;;) {
        try {
          const n = readSync(reader, buffer);
          if (n === 0) break;
          text += buffer.subarray(0, n).toString();
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EAGAIN') break;
          throw error;
        }
      }
      return text.split('\n').filter((line) => line !== '' && !/^f+$/.test(line));
    },
    close() {
      for (const fd of [writer, filler, reader]) {
        try {
          closeSync(fd);
        } catch {
          // already closed by the console under test
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function until<T>(what: string, read: () => T | undefined | false, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(50);
  }
}

describe('a console nobody reads', () => {
  const pipes: Array<ReturnType<typeof fullPipe>> = [];
  afterEach(() => {
    for (const pipe of pipes.splice(0)) pipe.close();
  });

  it('drops lines past its buffer instead of blocking or growing, and says how many once the console reads again', async () => {
    const pipe = fullPipe();
    pipes.push(pipe);
    const output = new ConsoleOutput(pipe.writer, 4096);
    const logger = pino({ base: undefined }, { write: (line: string) => output.write(formatLine('json', line), 'json') });
    for (let i = 0; i < 200; i++) logger.info({ i, padding: 'p'.repeat(60) }, 'while stuck');
    // The buffer holds about 40 of those lines; the rest were dropped, not kept.
    let seen = 0;
    await until('what waited, written once the pipe is read', () => {
      const lines = pipe.drain();
      const settled = lines.length > 0 && lines.length === seen;
      seen = lines.length;
      return settled;
    }, 10_000);
    logger.info('reading again');
    const lines = await until('the line after', () => {
      const all = pipe.drain().map((line) => JSON.parse(line) as { msg: string; i?: number; dropped?: number });
      return all.some((line) => line.msg === 'reading again') && all;
    }, 10_000);
    const kept = lines.filter((line) => line.msg === 'while stuck').map((line) => line.i);
    const notice = lines.find((line) => line.msg === 'log lines dropped: the console was not read');
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(100);
    // Every line is accounted for: written whole and in order, or counted.
    expect(kept).toEqual([...kept].sort((a, b) => (a ?? 0) - (b ?? 0)));
    expect(notice?.dropped).toBe(200 - kept.length);
    expect(lines.map((line) => line.msg).slice(-2)).toEqual(['log lines dropped: the console was not read', 'reading again']);
  });

  it('the agent keeps its schedule while its log pipe is full, and the log arrives once the pipe is read', async () => {
    const pipe = fullPipe();
    pipes.push(pipe);
    const child = spawn(process.execPath, [MAIN, 'run', '--local', '--json'], {
      env: { ...process.env, EDGE_HEALTH_SCHEDULE: '* * * * * *', EDGE_HEALTH_JITTER_SECONDS: '0', EDGE_HEALTH_LOG_LEVEL: 'info', EDGE_HEALTH_VOLUME_SIZES: 'false' },
      stdio: ['ignore', 'pipe', pipe.writer],
    });
    let reports = 0;
    child.stdout?.on('data', (chunk: Buffer) => {
      reports += chunk.toString().split('\n').filter(Boolean).length;
    });
    try {
      // Its first log line ("running locally", before the first cycle) went into the full pipe:
      // a blocking write would have stopped the agent right there. Nothing reads the pipe until then.
      await until('cycles while the log pipe is full', () => reports >= 4, 30_000);
      const logged = await until('the log, once read', () => {
        const lines = parseLogLines(pipe.drain().join('\n'));
        return lines.some((line) => line.logText.includes('running locally')) && lines;
      }, 10_000);
      expect(logged.every((line) => line.logLevel !== undefined)).toBe(true);
      expect(child.exitCode).toBeNull();
    } finally {
      // An agent blocked in a write would not even hear SIGTERM.
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});
