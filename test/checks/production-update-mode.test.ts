import { describe, expect, it } from 'vitest';
import { productionUpdateMode } from '../../src/checks/production-update-mode.js';
import { defaultConfig } from '../../src/config/settings.js';
import { container, edgeAgent, snapshot } from '../support/snapshot-builder.js';

const run = (...containers: ReturnType<typeof container>[]) => productionUpdateMode.run(snapshot({ containers }), defaultConfig());

describe('production.update-mode', () => {
  it('is ok with WaitForAllPulls, in any case', () => {
    expect(run(edgeAgent())).toEqual([
      { subject: 'edgeAgent', status: 'ok', message: 'ModuleUpdateMode is WaitForAllPulls: all images are pulled before modules restart', details: { moduleUpdateMode: 'WaitForAllPulls' } },
    ]);
    expect(run(edgeAgent({ env: { moduleupdatemode: 'waitforallpulls' } }))[0].status).toBe('ok');
  });

  it('warns when it is not set or set to anything else, citing the checklist', () => {
    const [unset] = run(edgeAgent({ env: {} }));
    expect(unset).toMatchObject({ status: 'warning', message: expect.stringMatching(/^ModuleUpdateMode is not set/), details: { moduleUpdateMode: null } });
    expect(unset.remediation).toContain('"Configure how updates to modules are applied"');
    expect(run(edgeAgent({ env: { ModuleUpdateMode: 'Sequential' } }))[0]).toMatchObject({ status: 'warning', message: expect.stringMatching(/^ModuleUpdateMode is "Sequential"/) });
  });

  it('is skipped without edgeAgent', () => {
    expect(run(container())[0]).toMatchObject({ subject: 'edgeAgent', status: 'skipped' });
  });
});
