import { describe, expect, it } from 'vitest';
import { productionUpstreamProtocol } from '../../src/checks/production-upstream-protocol.js';
import type { Finding } from '../../src/checks/types.js';
import { defaultConfig } from '../../src/config/settings.js';
import { type SnapshotOverrides, container, edgeAgent, edgeHub, iotedgeConfig, snapshot } from '../support/snapshot-builder.js';

function run(overrides: SnapshotOverrides): Finding {
  const findings = productionUpstreamProtocol.run(snapshot(overrides), defaultConfig());
  expect(findings).toHaveLength(1);
  return findings[0];
}

const agentWith = (protocol?: string) => edgeAgent({ env: protocol ? { UpstreamProtocol: protocol } : {} });
const hubWith = (protocol?: string) => edgeHub({ env: protocol ? { UpstreamProtocol: protocol } : {} });

describe('production.upstream-protocol', () => {
  it('is ok when both use the default', () => {
    expect(run({ containers: [agentWith(), hubWith()] })).toMatchObject({
      subject: 'edgeAgent/edgeHub',
      status: 'ok',
      message: 'one upstream protocol: edgeAgent Amqp (default), edgeHub Amqp (default)',
    });
  });

  it('is ok when both set the same protocol, whatever its case, or one sets the default by name', () => {
    expect(run({ containers: [agentWith('AmqpWs'), hubWith('AMQPWS')] }).status).toBe('ok');
    expect(run({ containers: [agentWith('amqp'), hubWith()] }).status).toBe('ok');
  });

  it('warns when they differ, naming each, citing the checklist', () => {
    const finding = run({ containers: [agentWith('AmqpWs'), hubWith()] });
    expect(finding).toMatchObject({
      status: 'warning',
      message: 'upstream protocols differ: edgeAgent AmqpWs, edgeHub Amqp (default)',
      details: { upstreamProtocols: { edgeAgent: 'AmqpWs', edgeHub: null } },
    });
    expect(finding.remediation).toContain('"Be consistent with upstream protocol"');
  });

  it('warns when the deployment dropped the protocol config.toml gave the bootstrap edgeAgent', () => {
    const config = iotedgeConfig({ agent: { image: null, env: { UpstreamProtocol: 'MqttWs' } } });
    expect(run({ containers: [agentWith(), hubWith()], iotedgeConfig: config })).toMatchObject({
      status: 'warning',
      message: 'upstream protocols differ: edgeAgent Amqp (default), edgeHub Amqp (default), config.toml [agent.env] MqttWs',
    });
    expect(run({ containers: [agentWith('MqttWs'), hubWith('MqttWs')], iotedgeConfig: config }).status).toBe('ok');
  });

  it('compares what is there when only one system module runs, and is skipped with neither', () => {
    expect(run({ containers: [agentWith('Mqtt')] })).toMatchObject({ status: 'ok', message: 'one upstream protocol: edgeAgent Mqtt' });
    expect(run({ containers: [container()] }).status).toBe('skipped');
  });
});
