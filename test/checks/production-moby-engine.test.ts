import { describe, expect, it } from 'vitest';
import { productionMobyEngine } from '../../src/checks/production-moby-engine.js';
import { defaultConfig } from '../../src/config/settings.js';
import { container, dockerEngine, edgeAgent, snapshot } from '../support/snapshot-builder.js';

const run = (platformName: string, engineVersion: string, containers = [edgeAgent()]) =>
  productionMobyEngine.run(snapshot({ docker: dockerEngine({ platformName, engineVersion }), containers }), defaultConfig());

describe('production.moby-engine', () => {
  it('is ok with a Moby build, naming Microsoft\'s moby-engine by its version', () => {
    expect(run('', '20.10.25+azure-2')[0]).toMatchObject({ status: 'ok', message: 'a Moby build (20.10.25+azure-2, moby-engine from Microsoft)' });
    expect(run('', '20.10.24+dfsg1')[0]).toMatchObject({ status: 'ok', message: 'a Moby build (20.10.24+dfsg1)' });
  });

  it('gives an informational warning for Docker Engine, citing the checklist', () => {
    const [finding] = run('Docker Engine - Community', '26.1.0');
    expect(finding).toMatchObject({ status: 'warning', message: 'Docker Engine - Community 26.1.0 is not Moby' });
    expect(finding.remediation).toMatch(/^Informational: .*"Use Moby as the container engine"/);
  });

  it('is skipped on a host without IoT Edge', () => {
    expect(run('Docker Engine - Community', '26.1.0', [container()])[0]).toMatchObject({ status: 'skipped', message: 'no IoT Edge on this host: the engine choice is up to you' });
  });
});
