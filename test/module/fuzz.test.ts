// Fuzz: generated desired patches, twin bodies and direct method bodies — valid, nearly valid,
// malformed, oversized, deeply nested, with fields given twice — through the real parsing and
// handlers (raw twin bodies through the transport's guard into the SDK's own twin code).
// Each input gets FUZZ_CASES cases per run: 0 crashes, 0 hangs, every answer a known status under
// the 128 KB limit, and a prune reaches the engine for a real run only when the body asked for one.
import { EventEmitter } from 'node:events';
import device from 'azure-iot-device';
import { MqttTwinClient } from 'azure-iot-device-mqtt/dist/mqtt_twin_client.js';
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
import { BodyProblems, GuardedMqttBase, type TwinRefusal } from '../../src/module/guarded-transport.js';
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

  it(`twin bodies: ${FUZZ_CASES} raw desired patches and ${FUZZ_CASES} raw twins through the guard into the SDK's twin code, never a throw, a refusal rejected whole`, async () => {
    const t = (tally['twin bodies'] = { cases: 0, crashes: 0, hangs: 0, realRunsReachingEngine: 0 });
    const sdk = await sdkTwin();
    const patches = fc.oneof({ weight: 3, arbitrary: body }, { weight: 1, arbitrary: fc.constant('{"logLevel": "debug"}') });
    await fc.assert(
      fc.asyncProperty(fc.boolean(), patches, fc.integer({ min: 1, max: 1e6 }), async (asTwin, raw, version) => {
        t.cases += 1;
        const before = { config: sdk.settings.current, desiredKeys: Object.keys(sdk.twin.properties.desired) };
        sdk.refusals.length = 0;
        try {
          await withDeadline(asTwin ? sdk.answerGet(raw) : sdk.patch(version, raw), HANG_MS, 'twin body');
        } catch (error) {
          if ((error as Error).name === 'DeadlineError') t.hangs += 1;
          else t.crashes += 1;
          throw error;
        }
        let parses = true;
        try {
          JSON.parse(raw);
        } catch {
          parses = false;
        }
        // What JSON.parse cannot read never reaches the SDK; a refusal is rejected whole, with its reason, the configuration unchanged.
        if (!parses) expect(sdk.refusals).toHaveLength(1);
        if (sdk.refusals.length > 0) {
          expect(sdk.settings.reported()).toMatchObject({ status: 'rejected', rejectedVersion: asTwin ? null : version, error: sdk.refusals[0].problem });
          expect(sdk.settings.current).toBe(before.config);
          // The SDK holds a stand-in: no twin at all, or the patch's version alone over what it had.
          const desired = sdk.twin.properties.desired as Record<string, unknown>;
          if (asTwin) expect(desired).toEqual({});
          else expect([desired.$version, Object.keys(desired).sort()]).toEqual([version, [...new Set([...before.desiredKeys, '$version'])].sort()]);
        }
      }),
      { numRuns: 2 * FUZZ_CASES },
    );
    expect(t.cases).toBe(2 * FUZZ_CASES);
  }, 300_000);

  it(`reported-update answers: ${FUZZ_CASES} raw bodies through the guard into the SDK's twin code, never a throw; an unreadable one fails the update`, async () => {
    const t = (tally['reported-update answers'] = { cases: 0, crashes: 0, hangs: 0, realRunsReachingEngine: 0 });
    const sdk = await sdkTwin();
    await fc.assert(
      fc.asyncProperty(fc.oneof(body, fc.constantFrom('', ' ')), async (raw) => {
        t.cases += 1;
        let error: Error | undefined;
        try {
          error = await withDeadline(sdk.answerUpdate(raw), HANG_MS, 'reported update');
        } catch (thrown) {
          if ((thrown as Error).name === 'DeadlineError') t.hangs += 1;
          else t.crashes += 1;
          throw thrown;
        }
        let readable = raw === '';
        try {
          readable ||= JSON.parse(raw) !== undefined;
        } catch {
          readable = false;
        }
        if (!readable) expect(error?.message).toMatch(/^twin response: /);
      }),
      { numRuns: FUZZ_CASES },
    );
    expect(t.cases).toBe(FUZZ_CASES);
  }, 300_000);
});

/**
 * The SDK's own twin code — MqttTwinClient (parsing) and Twin (merging, change events) — over the
 * guarded MQTT base with its network calls answered in place, and the module's configuration fed
 * as the agent feeds it.
 */
async function sdkTwin() {
  const refusals: TwinRefusal[] = [];
  const settings = new ModuleConfig([envLayer({})]);
  const base = new GuardedMqttBase(new BodyProblems((refusal) => {
    refusals.push(refusal);
    settings.refuseDesired(refusal);
  }));
  let lastRequest = '';
  Object.assign(base, {
    subscribe: (_topic: string, _options: unknown, done: (error?: Error) => void) => done(),
    publish: (topic: string, _body: unknown, _options: unknown, done: (error?: Error) => void) => {
      lastRequest = topic;
      done();
    },
  });
  const twinClient = new MqttTwinClient(base);
  // What the SDK's Mqtt transport is to its Twin: getTwin, reported updates and the desired-patch events.
  const transport = Object.assign(new EventEmitter(), {
    getTwin: (done: (error?: Error, twin?: unknown) => void) => twinClient.getTwin(done),
    updateTwinReportedProperties: (patch: unknown, done: (error?: Error) => void) => twinClient.updateTwinReportedProperties(patch, done),
    enableTwinDesiredPropertiesUpdates: (done: (error?: Error) => void) => done(),
  });
  twinClient.on('twinDesiredPropertiesUpdate', (patch: unknown) => transport.emit('twinDesiredPropertiesUpdate', patch));
  const twin = new device.Twin(transport as never, { shouldRetry: () => false, nextRetryTimeout: () => 0 } as never, 0);
  twin.on('properties.desired', () => settings.applyDesired(twin.properties.desired as Record<string, unknown>));
  const delivered = () => new Promise((resolve) => setImmediate(resolve));
  const sdk = {
    refusals,
    settings,
    twin,
    async answerGet(raw: string) {
      const got = twin.get().catch((error: Error) => error);
      const requestId = new URLSearchParams(lastRequest.split('?')[1]).get('$rid');
      base.emit('message', `$iothub/twin/res/200/?$rid=${requestId}`, Buffer.from(raw));
      await got;
      await delivered();
    },
    /** A reported-properties update answered 204 with `raw`: its error, if it failed. */
    async answerUpdate(raw: string): Promise<Error | undefined> {
      const updated = new Promise<Error | undefined>((resolve) => twin.properties.reported.update({ probe: 1 }, (error?: Error) => resolve(error)));
      const requestId = new URLSearchParams(lastRequest.split('?')[1]).get('$rid');
      base.emit('message', `$iothub/twin/res/204/?$rid=${requestId}`, Buffer.from(raw));
      return updated;
    },
    async patch(version: number, raw: string) {
      base.emit('message', `$iothub/twin/PATCH/properties/desired/?$version=${version}`, Buffer.from(raw));
      await delivered();
    },
  };
  await sdk.answerGet('{"desired":{"$version":1},"reported":{"$version":1}}');
  return sdk;
}
