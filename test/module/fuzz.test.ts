// Fuzz: generated desired patches and direct method bodies — valid, nearly valid, malformed,
// oversized, deeply nested, with fields given twice — through the real parsing and handlers.
// Each input gets FUZZ_CASES cases per run: 0 crashes, 0 hangs, every answer a known status under
// the 128 KB limit, and a prune reaches the engine for a real run only when the body asked for one.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ActionLock } from '../../src/actions/action-lock.js';
import { runPrune } from '../../src/actions/run-prune.js';
import { parseJsonBody } from '../../src/config/parse-payload.js';
import { envLayer } from '../../src/config/resolve.js';
import { SETTING_KEYS, defaultConfig } from '../../src/config/settings.js';
import type { Cycle } from '../../src/module/cycle-runner.js';
import { type MethodAnswer, badRequest, readMethods } from '../../src/module/methods.js';
import { ModuleConfig } from '../../src/module/module-config.js';
import { withDeadline } from '../../src/module/deadline.js';
import { checkedReport } from '../support/report.js';
import { container, snapshot } from '../support/snapshot-builder.js';

/** Cases per input per run; the README's Reliability table states this number. */
export const FUZZ_CASES = 1000;
const METHOD_RESPONSE_LIMIT = 128 * 1024;
const HANG_MS = 2_000;
const tally: Record<string, { cases: number; crashes: number; hangs: number; realRunsReachingEngine: number }> = {};

const nearlyValid = fc.record(
  {
    dryRun: fc.oneof(fc.boolean(), fc.constantFrom('false', 0, null, 'no')),
    names: fc.oneof(fc.array(fc.string({ maxLength: 600 }), { maxLength: 1200 }), fc.string()),
    olderThanHours: fc.oneof(fc.double(), fc.integer(), fc.string()),
    anonymousOnly: fc.anything(),
    danglingOnly: fc.anything(),
    checkId: fc.oneof(fc.constantFrom('disk.space', 'no.such'), fc.string()),
    detail: fc.oneof(fc.constantFrom('summary', 'full'), fc.string()),
    dryrun: fc.boolean(),
  },
  { requiredKeys: [] },
);
/** Raw bodies: JSON of near-valid and arbitrary values, a field given twice, deep nesting, huge values, garbage. */
const body = fc.oneof(
  { weight: 4, arbitrary: nearlyValid.map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.boolean().map((b) => `{"dryRun": true, "dryRun": ${b}}`) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`) },
  { weight: 1, arbitrary: fc.integer({ min: 100_000, max: 200_000 }).map((n) => JSON.stringify({ dryRun: 'x'.repeat(n) })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
);

const cycle: Cycle = (() => {
  const snap = snapshot({ containers: [container({ name: 'c', limits: { memoryBytes: 0 } })] });
  return { snapshot: snap, report: checkedReport(snap, defaultConfig()), durationMs: 1 };
})();
const read = readMethods({ runCycle: async () => cycle, lastCycle: () => cycle, describeConfig: () => ({ config: defaultConfig() }) });

/** What the module does with a body: the transport's bounds first, then the handler. */
async function answer(raw: string, handle: (payload: unknown) => Promise<MethodAnswer>): Promise<MethodAnswer> {
  const parsed = parseJsonBody(raw);
  return parsed.ok ? handle(parsed.value) : badRequest(parsed.error, parsed.field);
}

describe('fuzz', () => {
  afterAll(() => {
    for (const [input, t] of Object.entries(tally)) console.info(`fuzz ${input}: ${t.cases} cases, ${t.crashes} crashes, ${t.hangs} hangs, ${t.realRunsReachingEngine} real runs reaching the engine`);
  });

  const methods: [string, (payload: unknown, engineReached: () => void) => Promise<MethodAnswer>][] = [
    ['runChecks', (p) => read.runChecks(p)],
    ['getReport', (p) => read.getReport(p)],
    ['getConfig', (p) => read.getConfig(p)],
    ...(['volumes', 'images'] as const).map((kind): [string, (payload: unknown, engineReached: () => void) => Promise<MethodAnswer>] => [
      kind === 'volumes' ? 'pruneVolumes' : 'pruneImages',
      (payload, engineReached) =>
        runPrune(kind, payload, {
          config: { ...defaultConfig(), logLevel: 'silent' },
          lock: new ActionLock(),
          requestedBy: 'fuzz',
          connect: async () => {
            engineReached();
            throw new Error('no engine in the fuzz test');
          },
        }),
    ]),
  ];

  for (const [method, handle] of methods) {
    it(`${method}: ${FUZZ_CASES} bodies, no crash, no hang, a known status under 128 KB, a real run only when asked`, async () => {
      const t = (tally[method] = { cases: 0, crashes: 0, hangs: 0, realRunsReachingEngine: 0 });
      await fc.assert(
        fc.asyncProperty(body, async (raw) => {
          t.cases += 1;
          let reached = false;
          let result: MethodAnswer;
          try {
            result = await withDeadline(answer(raw, (p) => handle(p, () => (reached = true))), HANG_MS, method);
          } catch (error) {
            if ((error as Error).name === 'DeadlineError') t.hangs += 1;
            else t.crashes += 1;
            throw error;
          }
          expect([200, 400, 403, 404, 409, 503]).toContain(result.status);
          expect(Buffer.byteLength(JSON.stringify(result.payload))).toBeLessThan(METHOD_RESPONSE_LIMIT);
          if (reached) {
            // Only a well-formed request reads the engine (a dry run does too); a real run only when dryRun is exactly false.
            const parsed = parseJsonBody(raw);
            expect(parsed.ok).toBe(true);
            const dryRun = parsed.ok ? (parsed.value as { dryRun?: unknown } | null)?.dryRun : undefined;
            expect([undefined, true, false]).toContain(dryRun);
            if (dryRun === false) t.realRunsReachingEngine += 1;
          }
        }),
        { numRuns: FUZZ_CASES },
      );
      expect(t.cases).toBe(FUZZ_CASES);
    }, 300_000);
  }

  it(`desired properties: ${FUZZ_CASES} patches, each applied or rejected whole with a reason, never a crash`, async () => {
    const t = (tally.desired = { cases: 0, crashes: 0, hangs: 0, realRunsReachingEngine: 0 });
    const settingValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom('10m', '1g', '*/5 * * * *', 'debug', 'always', ''), fc.double(), fc.integer());
    const desired = fc.oneof(
      { weight: 5, arbitrary: fc.dictionary(fc.oneof(fc.constantFrom(...SETTING_KEYS), fc.string()), settingValue, { maxKeys: 8 }) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 3000 }).map((n) => JSON.parse(`${'{"a":'.repeat(n)}1${'}'.repeat(n)}`) as Record<string, unknown>) },
      { weight: 1, arbitrary: fc.integer({ min: 10_000, max: 200_000 }).map((n) => ({ logLevel: 'x'.repeat(n) })) },
    );
    await fc.assert(
      fc.property(desired, fc.option(fc.integer(), { nil: undefined }), (patch, version) => {
        t.cases += 1;
        const settings = new ModuleConfig([envLayer({})]);
        const before = settings.current;
        let applied: boolean;
        try {
          applied = settings.applyDesired({ ...patch, $version: version });
        } catch (error) {
          t.crashes += 1;
          throw error;
        }
        const reported = settings.reported();
        expect(Buffer.byteLength(JSON.stringify(reported))).toBeLessThan(8 * 1024);
        if (!applied) {
          expect(reported.status).toBe('rejected');
          expect(reported.error).toEqual(expect.any(String));
          expect(settings.current).toBe(before);
        }
      }),
      { numRuns: FUZZ_CASES },
    );
    expect(t.cases).toBe(FUZZ_CASES);
  }, 300_000);
});
