// The log format on real pino output: what edgeAgent's GetModuleLogs reads, and JSON lines.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { type LogFormat, formatLine, iotEdgeTimestamp } from '../src/log.js';
import { parseLogLines } from './support/iotedge-log.js';

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
