// The agent's log: one line per event on standard error (standard output stays the report), in the
// format IoT Edge modules write and edgeAgent's GetModuleLogs parses, or as JSON lines. Writing it
// never holds the agent up: a console nobody reads (a stalled Docker log driver) costs log lines,
// counted and reported once it reads again, never a cycle, a method answer or unbounded memory.
import { pino, type Logger } from 'pino';
import type { Config } from './config/settings.js';

export type LogFormat = Config['logFormat'];

/** Log lines waiting for the console: a few thousand lines; past this, lines are dropped and counted. */
export const CONSOLE_BUFFER_BYTES = 1024 * 1024;

/**
 * A console (a file descriptor: a pipe, a terminal, a file) written in the background, one write
 * in flight, at most `maxBytes` waiting. A blocking pipe that is not read blocks that one write in
 * the thread pool, never the event loop.
 */
export class ConsoleOutput {
  private dropped = 0;
  private closed = false;
  private readonly stream: ReturnType<typeof pino.destination>;

  constructor(fd: number, maxBytes = CONSOLE_BUFFER_BYTES) {
    this.stream = pino.destination({ dest: fd, sync: false, maxLength: maxBytes });
    this.stream.on('drop', () => {
      this.dropped += 1;
    });
    // A console closed on the other end (EPIPE): the lines have nowhere to go; the agent goes on.
    this.stream.on('error', () => {});
  }

  /** Queues one formatted line; first, if lines were dropped since the console last took one, a line saying how many. */
  write(line: string, format: LogFormat): void {
    if (this.closed) return;
    if (this.dropped > 0) this.reportDropped(format);
    this.stream.write(line);
  }

  /** Writes what waits and closes; resolves when done or after `deadlineMs`, whichever comes first. */
  close(deadlineMs: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, deadlineMs);
      timer.unref();
      this.stream.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.stream.end();
    });
  }

  private reportDropped(format: LogFormat): void {
    const dropped = this.dropped;
    this.dropped = 0;
    this.stream.write(formatLine(format, JSON.stringify({ level: 40, time: Date.now(), msg: 'log lines dropped: the console was not read', dropped })));
    // Still no room: the notice went too, and it is not one of the log lines to count.
    if (this.dropped > 0) this.dropped = dropped;
  }
}

let stderr: ConsoleOutput | undefined;

/** Standard error, shared by every logger of the process. */
function standardError(): ConsoleOutput {
  stderr ??= new ConsoleOutput(2);
  return stderr;
}

/** Before exiting: gives the log lines still waiting up to `deadlineMs` to reach the console. */
export function closeLog(deadlineMs = 1_000): Promise<void> {
  return stderr ? stderr.close(deadlineMs) : Promise.resolve();
}

/** pino's numeric level → syslog severity and the three-letter tag IoT Edge's own modules print. */
const SEVERITIES: Record<number, { severity: number; tag: string }> = {
  10: { severity: 7, tag: 'VRB' },
  20: { severity: 7, tag: 'DBG' },
  30: { severity: 6, tag: 'INF' },
  40: { severity: 4, tag: 'WRN' },
  50: { severity: 3, tag: 'ERR' },
  60: { severity: 2, tag: 'CRT' },
};

/** Keys pino writes itself; the IoT Edge format shows them in the line's prefix instead. */
const PREFIX_KEYS = new Set(['level', 'time', 'msg']);
/** A value written bare after `key=`; anything else is quoted as a JSON string. */
const BARE_VALUE = /^[^\s"=\\]+$/;

export function createLogger({ logLevel, logFormat }: Pick<Config, 'logLevel' | 'logFormat'>): Logger {
  const output = standardError();
  return pino({ level: logLevel, base: undefined }, { write: (line: string) => output.write(formatLine(logFormat, line), logFormat) });
}

/**
 * A line pino wrote, in the chosen format. Parsed again in both, so every key appears once: pino
 * repeats a key that a child's bindings and the call both set (the call's, more specific, wins).
 */
export function formatLine(format: LogFormat, jsonLine: string): string {
  return format === 'json' ? `${JSON.stringify(JSON.parse(jsonLine))}\n` : formatIotEdgeLine(jsonLine);
}

/**
 * One pino JSON line as `<6> 2026-12-01 23:20:00.123 +00:00 [INF] message key=value …`: the syslog
 * severity first, so edgeAgent's `loglevel` filter finds it, then the local time with its offset.
 * Newlines inside values are escaped: one event stays one line.
 */
function formatIotEdgeLine(jsonLine: string): string {
  const event = JSON.parse(jsonLine) as Record<string, unknown>;
  const { severity, tag } = SEVERITIES[event.level as number] ?? SEVERITIES[30];
  const fields = Object.entries(event)
    .filter(([key]) => !PREFIX_KEYS.has(key))
    .map(([key, value]) => `${key}=${formatValue(value)}`);
  const message = oneLine(String(event.msg ?? ''));
  return `${[`<${severity}>`, iotEdgeTimestamp(new Date(event.time as number)), `[${tag}]`, message, ...fields].filter(Boolean).join(' ')}\n`;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return BARE_VALUE.test(value) ? value : JSON.stringify(value);
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function oneLine(text: string): string {
  return text.replace(/\r?\n/g, '\\n');
}

/** yyyy-MM-dd HH:mm:ss.fff ±hh:mm in the process's time zone, as IoT Edge's modules write it. */
export function iotEdgeTimestamp(date: Date): string {
  const pad = (n: number, width = 2) => String(Math.trunc(Math.abs(n))).padStart(width, '0');
  const offsetMinutes = -date.getTimezoneOffset();
  const sign = offsetMinutes < 0 ? '-' : '+';
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)} ` +
    `${sign}${pad(offsetMinutes / 60)}:${pad(offsetMinutes % 60)}`
  );
}

/** A crash, in the format logs are read in: one line, the stack trace included, at the critical severity; resolves once written (or given up on). */
export function logCrash(error: unknown, logFormat: LogFormat): Promise<void> {
  createLogger({ logLevel: 'fatal', logFormat }).fatal({ error: error instanceof Error ? error.stack ?? error.message : String(error) }, 'edge-health stopped');
  return closeLog();
}
