// Twin bodies IoT Hub never sends — a desired patch that is not JSON or nested 2,000 deep, a twin
// that is not JSON — delivered raw by the local hub to the real module process and the unmodified
// SDK: the module stays up, cycles go on, the twin and the log say what was refused, the last good
// configuration stays, and a later good patch is taken.
import { afterAll, describe, expect, it } from 'vitest';
import { type ModuleScenario, startModuleScenario } from '../support/module-scenario.js';
import { until } from '../support/until.js';

const DESIRED_PATCHES = '$iothub/twin/PATCH/properties/desired/#';
const started: ModuleScenario[] = [];

async function scenario(...args: Parameters<typeof startModuleScenario>): Promise<ModuleScenario> {
  const s = await startModuleScenario(...args);
  started.push(s);
  return s;
}

/** Cycles keep finishing: `count` more after now. */
async function cyclesGoOn(s: ModuleScenario, count = 2): Promise<void> {
  const from = Date.now();
  await until(`${count} more cycles`, () => s.cycles().filter((t) => t > from).length >= count, 20_000, () => s.agent.logs().slice(-10).map((l) => l.line));
}

describe.concurrent('twin bodies the SDK would crash on', () => {
  afterAll(async () => {
    await Promise.all(started.map((s) => s.close()));
  });

  it('a desired patch that is not JSON, then one 2,000 levels deep: refused, reported, last good configuration kept; a good patch after is taken', async () => {
    const s = await scenario();
    await until('listening for desired patches', () => s.hub.subscriptions(s.moduleId).includes(DESIRED_PATCHES), 30_000);
    await s.setDesired({ diskFreeWarnPercent: 30 });
    await until('the good patch applied', () => s.reported().config?.applied.diskFreeWarnPercent === 30, 20_000, () => s.reported().config);

    s.hub.sendRawDesired(s.moduleId, 900, '{"diskFreeWarnPercent": 50');
    const notJson = await until('the non-JSON patch reported as rejected', () => s.reported().config?.rejectedVersion === 900 && s.reported().config, 20_000, () => s.reported().config);
    expect(notJson).toMatchObject({ status: 'rejected', applied: { diskFreeWarnPercent: 30 } });
    expect(notJson.error).toMatch(/^properties\.desired: not JSON/);
    expect(s.agent.child.exitCode).toBeNull();
    await cyclesGoOn(s);

    s.hub.sendRawDesired(s.moduleId, 901, `${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`);
    const deep = await until('the deep patch reported as rejected', () => s.reported().config?.rejectedVersion === 901 && s.reported().config, 20_000, () => s.reported().config);
    expect(deep).toMatchObject({ status: 'rejected', error: 'properties.desired: nested deeper than 16 levels', applied: { diskFreeWarnPercent: 30 } });
    expect(s.agent.child.exitCode).toBeNull();
    await cyclesGoOn(s);
    expect(s.logged('desired properties rejected; last good configuration stays')).toHaveLength(2);

    await s.setDesired({ diskFreeWarnPercent: 40 });
    const good = await until('the good patch after them applied', () => s.reported().config?.applied.diskFreeWarnPercent === 40 && s.reported().config, 20_000, () => s.reported().config);
    expect(good.status).toBe('applied');
    // A null in a twin patch deletes the property: the rejection is gone.
    expect(good.rejectedVersion).toBeUndefined();
    expect(s.hub.rejections).toEqual([]);
  }, 90_000);

  it('a twin read at start that is not JSON: the module starts on its own settings, reports the refusal, and takes the next patch', async () => {
    const s = await scenario({}, (hub) => hub.faults.rawTwinBodies.push('<html>502 Bad Gateway</html>'));
    const refused = await until('the refused twin on the twin', () => s.reported().config?.status === 'rejected' && s.reported().config, 30_000, () => s.agent.logs().map((l) => l.line));
    expect(refused.error).toMatch(/^twin: not JSON/);
    await until('a health report', () => s.reported().health, 20_000);
    await cyclesGoOn(s);
    expect(s.agent.child.exitCode).toBeNull();

    await until('listening for desired patches', () => s.hub.subscriptions(s.moduleId).includes(DESIRED_PATCHES), 30_000);
    await s.setDesired({ diskFreeWarnPercent: 35 });
    const good = await until('the next patch applied', () => s.reported().config?.applied.diskFreeWarnPercent === 35 && s.reported().config, 20_000, () => s.reported().config);
    expect(good.status).toBe('applied');
  }, 90_000);
});
