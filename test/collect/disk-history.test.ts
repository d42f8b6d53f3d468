// The disk history as the collector keeps it: in memory, and in a real file in a state folder.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DiskHistoryState, HISTORY_FILE, MAX_AGE_MS, MAX_SAMPLES, appendSamples, collectDiskHistory } from '../../src/collect/disk-history.js';
import type { FilesystemInfo } from '../../src/snapshot.js';
import { GiB, filesystem } from '../support/snapshot-builder.js';

const T0 = Date.parse('2024-05-01T12:00:00.000Z');
const MINUTE = 60_000;

function stateFolder(): string {
  return mkdtempSync(path.join(tmpdir(), 'eh-state-'));
}

async function cycle(folder: string, at: number, filesystems: FilesystemInfo[], memory: { current?: DiskHistoryState } = {}) {
  const notes: string[] = [];
  const history = await collectDiskHistory({ filesystems, at: new Date(at), stateFolder: folder, memory, signal: new AbortController().signal, note: (text) => notes.push(text) });
  return { history, notes };
}

describe('disk history', () => {
  it('carries samples from run to run through the file in the state folder, one per filesystem', async () => {
    const folder = stateFolder();
    await cycle(folder, T0, [filesystem({ availableBytes: 50 * GiB }), filesystem({ path: '/data', availableBytes: 9 * GiB })]);
    // A new process: nothing in memory, the file is all it has.
    const { history, notes } = await cycle(folder, T0 + 5 * MINUTE, [filesystem({ availableBytes: 49 * GiB }), filesystem({ path: '/data', availableBytes: 8 * GiB })]);
    expect(notes).toEqual([]);
    expect(history).toEqual({
      file: path.join(folder, HISTORY_FILE),
      filesystems: [
        {
          path: '/',
          sizeBytes: 100 * GiB,
          samples: [
            { at: '2024-05-01T12:00:00.000Z', availableBytes: 50 * GiB },
            { at: '2024-05-01T12:05:00.000Z', availableBytes: 49 * GiB },
          ],
        },
        {
          path: '/data',
          sizeBytes: 100 * GiB,
          samples: [
            { at: '2024-05-01T12:00:00.000Z', availableBytes: 9 * GiB },
            { at: '2024-05-01T12:05:00.000Z', availableBytes: 8 * GiB },
          ],
        },
      ],
    });
    // Written whole and renamed into place: no temporary file is left behind.
    expect(readdirSync(folder)).toEqual([HISTORY_FILE]);
    expect(JSON.parse(readFileSync(path.join(folder, HISTORY_FILE), 'utf8'))).toMatchObject({ version: 1, filesystems: [{ path: '/', samples: [[T0, 50 * GiB], [T0 + 5 * MINUTE, 49 * GiB]] }, { path: '/data' }] });
  });

  it('without a state folder lives in memory only, across the cycles of one process', async () => {
    const memory: { current?: DiskHistoryState } = {};
    await cycle('', T0, [filesystem()], memory);
    const { history } = await cycle('', T0 + MINUTE, [filesystem()], memory);
    expect(history.file).toBeNull();
    expect(history.filesystems[0].samples).toHaveLength(2);
    // A one-shot run starts with nothing.
    expect((await cycle('', T0 + 2 * MINUTE, [filesystem()])).history.filesystems[0].samples).toHaveLength(1);
  });

  it('creates the state folder when it is missing', async () => {
    const folder = path.join(stateFolder(), 'not', 'yet');
    await cycle(folder, T0, [filesystem()]);
    expect(readdirSync(folder)).toEqual([HISTORY_FILE]);
  });

  it('starts afresh from a file it cannot understand, saying so', async () => {
    const folder = stateFolder();
    writeFileSync(path.join(folder, HISTORY_FILE), '{"version": 1, "filesystems": [{"path": "/"');
    const { history, notes } = await cycle(folder, T0, [filesystem()]);
    expect(history.filesystems[0].samples).toHaveLength(1);
    expect(notes).toEqual([`the disk history ${path.join(folder, HISTORY_FILE)} is not in the expected form; starting a new one`]);
  });

  it('still returns the history when the file cannot be written, noting why', async () => {
    const folder = stateFolder();
    const blocker = path.join(folder, 'file-not-folder');
    writeFileSync(blocker, '');
    const { history, notes } = await cycle(blocker, T0, [filesystem()]);
    expect(history.filesystems[0].samples).toHaveLength(1);
    const file = path.join(blocker, HISTORY_FILE);
    expect(notes).toEqual([
      expect.stringMatching(new RegExp(`^could not read the disk history ${file}: ENOTDIR.*; starting a new one$`)),
      expect.stringMatching(new RegExp(`^could not save the disk history to ${file}: EEXIST`)),
    ]);
  });
});

describe('appendSamples', () => {
  const state = (samples: [number, number][], sizeBytes = 100 * GiB): DiskHistoryState => ({ version: 1, filesystems: [{ path: '/', sizeBytes, samples }] });

  it(`keeps at most ${MAX_SAMPLES} samples, dropping the oldest`, () => {
    const full = state(Array.from({ length: MAX_SAMPLES }, (_, i) => [T0 + i * MINUTE, i] as [number, number]));
    const next = appendSamples(full, [filesystem({ availableBytes: 7 })], T0 + MAX_SAMPLES * MINUTE);
    const samples = next.filesystems[0].samples;
    expect(samples).toHaveLength(MAX_SAMPLES);
    expect(samples[0]).toEqual([T0 + MINUTE, 1]);
    expect(samples.at(-1)).toEqual([T0 + MAX_SAMPLES * MINUTE, 7]);
  });

  it('drops samples older than a week and later than now (the clock went back)', () => {
    const next = appendSamples(state([[T0 - MAX_AGE_MS - 1, 1], [T0 - MINUTE, 2], [T0 + MINUTE, 3]]), [filesystem({ availableBytes: 4 })], T0);
    expect(next.filesystems[0].samples).toEqual([[T0 - MINUTE, 2], [T0, 4]]);
  });

  it('starts afresh for a filesystem whose size changed, and forgets filesystems no longer watched', () => {
    const previous: DiskHistoryState = {
      version: 1,
      filesystems: [
        { path: '/', sizeBytes: 50 * GiB, samples: [[T0 - MINUTE, 1]] },
        { path: '/gone', sizeBytes: 50 * GiB, samples: [[T0 - MINUTE, 1]] },
      ],
    };
    const next = appendSamples(previous, [filesystem({ sizeBytes: 100 * GiB, availableBytes: 60 * GiB })], T0);
    expect(next.filesystems).toEqual([{ path: '/', sizeBytes: 100 * GiB, samples: [[T0, 60 * GiB]] }]);
  });
});
