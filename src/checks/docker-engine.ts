import type { Check } from './types.js';

const REMEDIATION =
  'Point DOCKER_HOST at the engine the device runs (unset for unix:///var/run/docker.sock; the IoT Edge module binds that socket), with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem) for a TLS endpoint, and check the engine runs: `sudo systemctl status docker`. Until it answers, no container, volume or log check can run.';

/**
 * Whether the engine answers. It judges the docker source itself, so it needs none: an engine that
 * cannot be reached is an error (as `iotedge check` has it), no engine installed at all is a skip.
 */
export const dockerEngine: Check = {
  id: 'docker.engine',
  title: 'Docker engine reachable',
  settings: [],
  needs: [],
  twinNumbers: [],
  uses: ['docker'],
  run(snapshot) {
    const source = snapshot.sources.docker;
    const engine = snapshot.docker;
    if (source.ok && engine) {
      return [{
        subject: engine.endpoint,
        status: 'ok',
        message: `Docker ${engine.engineVersion} (API ${engine.engineApiVersion}, read as ${engine.apiVersion}) answers`,
        details: { endpoint: engine.endpoint, engineVersion: engine.engineVersion, apiVersion: engine.apiVersion },
      }];
    }
    const error = source.error ?? 'not collected';
    if (source.absent) return [{ subject: 'docker', status: 'skipped', message: `${error}: the Docker checks are skipped`, details: { error } }];
    return [{ subject: 'docker', status: 'error', message: error, details: { error }, remediation: REMEDIATION }];
  },
};
