// A console nobody reads, for tests of an agent that must not wait on it: a real pipe, already full.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A pipe (a FIFO) whose buffer is already full, as when the Docker log driver stops reading: `writer`
 * is a blocking end for the console under test, `drain()` reads what arrived so far (the filler
 * left out) until the buffer is empty.
 */
export function fullPipe() {
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
