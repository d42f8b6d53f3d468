import { pino, type Logger } from 'pino';
import type { Config } from './config/settings.js';

/** JSON lines on standard error, so standard output stays the report. */
export function createLogger(level: Config['logLevel']): Logger {
  return pino({ name: 'edge-health', level, base: undefined }, pino.destination({ dest: 2, sync: true }));
}
