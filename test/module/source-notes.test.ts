// A collector's problem note reaches the module's log once: when it appears or changes, and when it clears.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { SourceNoteLog } from '../../src/module/source-notes.js';
import type { SourceName, SourceStatus } from '../../src/snapshot.js';

function sources(statuses: Partial<Record<SourceName, SourceStatus>>): Record<SourceName, SourceStatus> {
  return statuses as Record<SourceName, SourceStatus>;
}

describe('collector notes in the log', () => {
  it('says a note once while it lasts, again when it changes, once when it clears; a failed cycle says nothing', () => {
    const lines: { msg: string; source: string; note?: string }[] = [];
    const notes = new SourceNoteLog(pino({ base: undefined }, { write: (line: string) => lines.push(JSON.parse(line)) }));
    const full = { ok: true, durationMs: 1, note: 'could not save the disk history to /state/disk-history.json: ENOSPC' };
    for (let cycle = 0; cycle < 3; cycle++) notes.afterCycle(sources({ diskHistory: full }));
    notes.afterCycle(sources({ diskHistory: { ok: false, durationMs: 1, error: 'timed out after 10000 ms' } }));
    notes.afterCycle(sources({ diskHistory: { ...full, note: 'could not save the disk history to /state/disk-history.json: EROFS' } }));
    notes.afterCycle(sources({ diskHistory: { ok: true, durationMs: 1 } }));
    notes.afterCycle(sources({ diskHistory: { ok: true, durationMs: 1 } }));
    // How old the volume-size cache is changes every cycle: not a problem to log.
    notes.afterCycle(sources({ volumeSizes: { ok: true, durationMs: 1, note: 'sizes from cache, 12 s old' } }));
    expect(lines.map(({ msg, source, note }) => [msg, source, note])).toEqual([
      ['collector note', 'diskHistory', full.note],
      ['collector note', 'diskHistory', 'could not save the disk history to /state/disk-history.json: EROFS'],
      ['collector note cleared', 'diskHistory', undefined],
    ]);
  });
});
