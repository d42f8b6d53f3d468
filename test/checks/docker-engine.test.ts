import { describe, expect, it } from 'vitest';
import { dockerEngine } from '../../src/checks/docker-engine.js';
import { defaultConfig } from '../../src/config/settings.js';
import { runCheck } from '../../src/checks/run.js';
import { failed, snapshot } from '../support/snapshot-builder.js';

const run = (snap = snapshot()) => runCheck(dockerEngine, snap, defaultConfig());

describe('docker.engine', () => {
  it('is ok when the engine answered, naming it', () => {
    const [result] = run();
    expect(result).toMatchObject({ id: 'docker.engine', status: 'ok', subject: 'unix:///var/run/docker.sock' });
    expect(result.message).toContain('Docker 26.1.0');
  });

  it('is an error, with how to fix it, when a DOCKER_HOST or TLS setup does not reach the engine', () => {
    const error = 'Docker engine not reachable at tcp://127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1';
    const [result, ...rest] = run(snapshot({ docker: null, sources: { docker: failed(error) } }));
    expect(rest).toEqual([]);
    expect(result).toMatchObject({ status: 'error', message: error });
    expect(result.remediation).toMatch(/DOCKER_HOST[\s\S]*DOCKER_CERT_PATH/);
  });

  it('is skipped when no engine is installed at all', () => {
    const error = 'no Docker engine on this host (DOCKER_HOST not set, nothing at /var/run/docker.sock)';
    const [result] = run(snapshot({ docker: null, sources: { docker: { ...failed(error), absent: true } } }));
    expect(result).toMatchObject({ status: 'skipped' });
    expect(result.message).toContain(error);
  });
});
