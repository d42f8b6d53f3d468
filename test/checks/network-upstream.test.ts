import { describe, expect, it } from 'vitest';
import { networkUpstream } from '../../src/checks/network-upstream.js';
import type { Finding } from '../../src/checks/types.js';
import { defaultConfig } from '../../src/config/settings.js';
import type { ContainerInfo, UpstreamProbe } from '../../src/snapshot.js';
import { edgeAgent, edgeHub, snapshot, upstreamProbe } from '../support/snapshot-builder.js';

type Port = UpstreamProbe['ports'][number];
const closed = (protocol: Port['protocol'], port: number): Port => ({ protocol, port, viaProxy: false, ok: false, tcpMs: null, tlsMs: null, error: 'ECONNREFUSED' });
const open = (protocol: Port['protocol'], port: number): Port => ({ protocol, port, viaProxy: false, ok: true, tcpMs: 10, tlsMs: 40 });

function run(ports: Port[], protocol?: string, extra: Partial<UpstreamProbe> = {}): Finding {
  const modules: ContainerInfo[] = [edgeAgent(), edgeHub({ env: protocol ? { UpstreamProtocol: protocol } : {} })];
  const [finding] = networkUpstream.run(snapshot({ containers: modules, upstream: upstreamProbe({ ports, ...extra }) }), defaultConfig());
  return finding;
}

describe('network.upstream', () => {
  it('is ok when the protocol in use connects, with the durations', () => {
    const finding = run([open('mqtt', 8883), open('amqp', 5671), open('websocket', 443)]);
    expect(finding).toMatchObject({ subject: 'contoso.azure-devices.net', status: 'ok', message: 'reachable: resolved in 3 ms, TLS handshake on AMQP 5671 in 40 ms' });
    expect(finding.details).toMatchObject({ upstreamProtocol: 'Amqp', dnsMs: 3, ports: { amqp: { port: 5671, tlsMs: 40 } } });
  });

  it('is an error when the port of the protocol in use (edgeHub\'s, AMQP by default) cannot connect', () => {
    expect(run([open('mqtt', 8883), closed('amqp', 5671), open('websocket', 443)])).toMatchObject({ status: 'error', message: 'UpstreamProtocol Amqp cannot connect: AMQP 5671: ECONNREFUSED' });
    expect(run([closed('mqtt', 8883), open('amqp', 5671), open('websocket', 443)], 'Mqtt').status).toBe('error');
    expect(run([open('mqtt', 8883), open('amqp', 5671), closed('websocket', 443)], 'MqttWs').status).toBe('error');
  });

  it('warns when only the WebSocket fallback is closed, and ignores ports of other protocols', () => {
    const finding = run([open('mqtt', 8883), open('amqp', 5671), closed('websocket', 443)]);
    expect(finding).toMatchObject({ status: 'warning', message: 'WebSocket 443, the fallback of Amqp, is closed: ECONNREFUSED' });
    expect(finding.remediation).toMatch(/8883 MQTT, 5671 AMQP, 443/);
    expect(run([closed('mqtt', 8883), closed('amqp', 5671), open('websocket', 443)], 'AmqpWs').status).toBe('ok');
  });

  it('names the DNS failure when the host does not resolve', () => {
    const ports = [closed('mqtt', 8883), { ...closed('amqp', 5671), error: 'not tried: the name does not resolve' }, closed('websocket', 443)];
    const finding = run(ports, undefined, { dns: { ok: false, durationMs: 40, addresses: [], error: 'getaddrinfo ENOTFOUND contoso.azure-devices.net' } });
    expect(finding.status).toBe('error');
    expect(finding.message).toContain('does not resolve: getaddrinfo ENOTFOUND');
  });

  it('is skipped without a hub host', () => {
    expect(networkUpstream.run(snapshot({ upstream: { target: null, proxy: null, dns: null, ports: [] } }), defaultConfig())).toMatchObject([{ status: 'skipped', subject: 'upstream' }]);
  });
});
