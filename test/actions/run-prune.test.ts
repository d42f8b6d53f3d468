// runPrune's refusals, which happen before the engine is touched, the lock, and the answer's size bound.
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ActionLock } from '../../src/actions/action-lock.js';
import { whyNotRemoved } from '../../src/actions/carry-out.js';
import { LISTED_MAX, toAnswer } from '../../src/actions/plan.js';
import { runPrune } from '../../src/actions/run-prune.js';
import { connectEngine } from '../../src/engine/connection.js';
import { type Config, defaultConfig } from '../../src/config/settings.js';

const config: Config = { ...defaultConfig(), logLevel: 'silent', collectTimeoutSeconds: 5 };
/** Any attempt to reach an engine fails the test: these calls must be refused before that. */
const noEngineExpected = async () => {
  throw new Error('the engine must not be reached');
};
const deps = (overrides: Partial<Parameters<typeof runPrune>[2]> = {}) => ({ config, lock: new ActionLock(), requestedBy: 'test', connect: noEngineExpected, ...overrides });

describe('runPrune refuses before touching the engine', () => {
  it.each([
    ['volumes', { dryrun: false }, 'dryrun', 'unknown field "dryrun"'],
    ['volumes', { dryRun: 'no' }, 'dryRun', 'dryRun: expected a boolean, got "no"'],
    ['volumes', { olderThanHours: -1 }, 'olderThanHours', 'olderThanHours: must be at least 0, got -1'],
    ['volumes', { names: ['ok', 7] }, 'names.1', 'names.1: expected a string, got 7'],
    ['volumes', { names: [] }, 'names', 'names: must be at least 1, got []'],
    ['volumes', { danglingOnly: true }, 'danglingOnly', 'unknown field "danglingOnly"'],
    ['images', { anonymousOnly: true }, 'anonymousOnly', 'unknown field "anonymousOnly"'],
  ] as const)('%s %j: 400 naming the field', async (kind, payload, field, error) => {
    expect(await runPrune(kind, payload, deps())).toEqual({ status: 400, payload: { error, field } });
  });

  it('a payload that is not an object: 400', async () => {
    const result = await runPrune('volumes', 'everything', deps());
    expect(result.status).toBe(400);
    expect(result.payload).toEqual({ error: 'payload: expected an object, got "everything"' });
  });

  it('a real run when pruning is disabled on the device: 403, and the lock stays free', async () => {
    const lock = new ActionLock();
    const result = await runPrune('volumes', { dryRun: false }, deps({ config: { ...config, pruneEnabled: false }, lock }));
    expect(result).toEqual({ status: 403, payload: { error: 'real prune runs are disabled on this device (pruneEnabled is false); dry runs still answer' } });
    expect(lock.current).toBeUndefined();
  });

  it('a real run while another destructive action holds the lock: 409 naming it', async () => {
    const lock = new ActionLock();
    lock.tryAcquire('pruneImages', 'direct method pruneImages', new Date('2026-06-01T12:00:00Z'));
    const result = await runPrune('volumes', { dryRun: false }, deps({ lock }));
    expect(result).toEqual({
      status: 409,
      payload: { error: 'another destructive action is running: pruneImages (direct method pruneImages, since 2026-06-01T12:00:00.000Z); try again when it is done' },
    });
  });
});

describe('runPrune without an engine', () => {
  it('answers 503 with the reason, for a dry run and a real run, and frees the lock', async () => {
    const lock = new ActionLock();
    const socket = path.join(tmpdir(), 'no-such-engine.sock');
    const connect = (signal: AbortSignal) => connectEngine(`unix://${socket}`, signal);
    for (const dryRun of [true, false]) {
      const result = await runPrune('images', { dryRun }, deps({ lock, connect }));
      expect(result.status).toBe(503);
      expect(result.payload).toMatchObject({ error: expect.stringContaining(`cannot read the engine's state: Docker engine not reachable at unix://${socket}`) });
    }
    expect(lock.current).toBeUndefined();
  });
});

describe('ActionLock', () => {
  it('holds one action at a time; a release frees only its own hold', () => {
    const lock = new ActionLock();
    const release = lock.tryAcquire('pruneVolumes', 'a');
    expect(release).toBeTypeOf('function');
    expect(lock.tryAcquire('pruneImages', 'b')).toBeUndefined();
    release?.();
    const second = lock.tryAcquire('pruneImages', 'b');
    release?.();
    expect(lock.current).toMatchObject({ action: 'pruneImages', requestedBy: 'b' });
    second?.();
    expect(lock.current).toBeUndefined();
  });
});

describe('why a planned delete did not happen', () => {
  it('names the engine\'s refusal, a volume already gone, a delete that timed out, and any other failure', () => {
    const engineError = (statusCode: number, message: string) => Object.assign(new Error(`(HTTP code ${statusCode})`), { statusCode, json: { message } });
    expect(whyNotRemoved(engineError(404, 'get x: no such volume'))).toBe('already removed');
    expect(whyNotRemoved(engineError(409, 'remove x: volume is in use - [abc]'))).toBe('refused by the engine: remove x: volume is in use - [abc]');
    expect(whyNotRemoved(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }))).toBe('the engine did not answer in time; it may still remove it');
    expect(whyNotRemoved(engineError(500, 'driver failed'))).toBe('not removed: driver failed (HTTP 500)');
  });
});

describe('the answer', () => {
  it('stays under the 128 KB of a method response whatever the engine holds', () => {
    const longName = (i: number) => `${String(i).padStart(6, '0')}${'n'.repeat(506)}`;
    const outcome = {
      removed: Array.from({ length: 10_000 }, (_, i) => ({ name: longName(i), ref: longName(i), bytes: 1024 })),
      notRemoved: Array.from({ length: 5_000 }, (_, i) => ({ name: longName(i), reason: `refused by the engine: ${'x'.repeat(5000)}` })),
      skipped: Array.from({ length: 10_000 }, (_, i) => ({ name: longName(i), reason: 'protected: ' + 'y'.repeat(5000) })),
    };
    const answer = toAnswer(outcome, false, 12);
    expect(Buffer.byteLength(JSON.stringify(answer))).toBeLessThan(120_000);
    expect(answer).toMatchObject({ removedCount: 10_000, skippedCount: 15_000, notRemovedCount: 5_000, reclaimedBytes: 10_000 * 1024 });
    expect(answer.removed).toHaveLength(LISTED_MAX);
    expect(answer.skipped).toHaveLength(LISTED_MAX);
    expect(answer.skipped[0].reason).toMatch(/^refused by the engine: x+…$/);
  });
});
