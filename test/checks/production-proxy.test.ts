import { describe, expect, it } from 'vitest';
import { productionProxy } from '../../src/checks/production-proxy.js';
import type { Finding } from '../../src/checks/types.js';
import { defaultConfig } from '../../src/config/settings.js';
import { type SnapshotOverrides, container, dockerEngine, edgeAgent, edgeHub, iotedgeConfig, snapshot } from '../support/snapshot-builder.js';

const PROXY = 'http://proxy.corp:3128';
const engineWith = (httpsProxy: string) => dockerEngine({ proxy: { httpProxy: '', httpsProxy, noProxy: '' } });

function run(overrides: SnapshotOverrides): Record<string, Finding> {
  return Object.fromEntries(productionProxy.run(snapshot(overrides), defaultConfig()).map((f) => [f.subject, f]));
}

describe('production.proxy', () => {
  it('is ok without any proxy', () => {
    const findings = run({ containers: [edgeAgent(), edgeHub()] });
    expect(Object.values(findings).map((f) => f.status)).toEqual(['ok', 'ok', 'ok']);
    expect(findings['engine/edgeAgent/edgeHub'].message).toBe('no proxy set on the engine, edgeAgent or edgeHub');
  });

  it('is ok with one http:// proxy everywhere and a WebSocket protocol', () => {
    const env = { https_proxy: PROXY, UpstreamProtocol: 'AmqpWs' };
    const findings = run({ docker: engineWith(PROXY), containers: [edgeAgent({ env }), edgeHub({ env: { HTTPS_PROXY: `${PROXY}/`, UpstreamProtocol: 'MqttWs' } })] });
    expect(Object.values(findings).filter((f) => f.status !== 'ok')).toEqual([]);
  });

  it('warns when the engine, edgeAgent and edgeHub differ, naming each', () => {
    const env = { https_proxy: PROXY, UpstreamProtocol: 'AmqpWs' };
    const finding = run({ containers: [edgeAgent({ env }), edgeHub({ env })] })['engine/edgeAgent/edgeHub'];
    expect(finding).toMatchObject({ status: 'warning', message: `proxy settings differ: engine none, edgeAgent ${PROXY}, edgeHub ${PROXY}` });
    expect(finding.remediation).toMatch(/systemd/);
  });

  it('counts config.toml [agent.env] in the comparison', () => {
    const env = { https_proxy: PROXY, UpstreamProtocol: 'AmqpWs' };
    const config = iotedgeConfig({ agent: { image: null, env: { https_proxy: 'http://other:8080' } } });
    const finding = run({ docker: engineWith(PROXY), iotedgeConfig: config, containers: [edgeAgent({ env }), edgeHub({ env })] })['engine/edgeAgent/edgeHub/config.toml [agent.env]'];
    expect(finding.status).toBe('warning');
  });

  it('warns when a proxy is set with AMQP or MQTT (or the default), which cannot pass it', () => {
    for (const protocol of [undefined, 'Amqp', 'Mqtt']) {
      const env = { https_proxy: PROXY, ...(protocol ? { UpstreamProtocol: protocol } : {}) };
      const finding = run({ docker: engineWith(PROXY), containers: [edgeAgent({ env }), edgeHub({ env })] }).edgeHub;
      expect(finding).toMatchObject({ status: 'warning', message: `proxy ${PROXY} set, but UpstreamProtocol ${protocol ?? 'Amqp'} cannot go through a proxy` });
      expect(finding.remediation).toMatch(/AmqpWs or MqttWs/);
    }
  });

  it('warns on an https:// proxy URL with AmqpWs, not with MqttWs', () => {
    const https = 'https://proxy.corp:3129';
    const findings = run({
      docker: engineWith(https),
      containers: [edgeAgent({ env: { https_proxy: https, UpstreamProtocol: 'AmqpWs' } }), edgeHub({ env: { https_proxy: https, UpstreamProtocol: 'MqttWs' } })],
    });
    expect(findings.edgeAgent).toMatchObject({ status: 'warning', details: { proxyScheme: 'https', upstreamProtocol: 'AmqpWs' } });
    expect(findings.edgeAgent.remediation).toMatch(/http:\/\//);
    expect(findings.edgeHub.status).toBe('ok');
  });

  it('is skipped without edgeAgent and edgeHub', () => {
    expect(productionProxy.run(snapshot({ containers: [container({})] }), defaultConfig())).toMatchObject([{ status: 'skipped' }]);
  });
});
