// The upstream probe against loopback TLS servers and a loopback CONNECT proxy: nothing leaves the machine.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectUpstream, upstreamTarget } from '../../src/collect/upstream.js';
import { CertificateFactory, daysFromNow } from '../support/certificates.js';
import { iotedgeConfig } from '../support/snapshot-builder.js';
import { type Listening, closedPort, startConnectProxy, startTlsServer } from '../support/upstream-servers.js';

const hub = { role: 'iothub' as const, host: '127.0.0.1', from: 'test' };

describe('collectUpstream', () => {
  const certificates = new CertificateFactory();
  let mqtt: Listening;
  let websocket: Listening;
  let closed: number;
  beforeAll(async () => {
    const cert = certificates.issue('127.0.0.1', { notAfter: daysFromNow(30) });
    [mqtt, websocket, closed] = await Promise.all([startTlsServer(cert), startTlsServer(cert), closedPort()]);
  });
  afterAll(async () => {
    await Promise.all([mqtt.close(), websocket.close()]);
    rmSync(certificates.dir, { recursive: true, force: true });
  });

  const ports = () => [
    { protocol: 'mqtt' as const, port: mqtt.port },
    { protocol: 'amqp' as const, port: closed },
    { protocol: 'websocket' as const, port: websocket.port },
  ];

  it('resolves the host, then connects and completes a TLS handshake on each open port, timing each', async () => {
    const probe = await collectUpstream({ target: hub, ports: ports(), proxy: '', signal: AbortSignal.timeout(10_000) });
    expect(probe.dns).toMatchObject({ ok: true, addresses: ['127.0.0.1'] });
    const [m, a, w] = probe.ports;
    expect(m).toMatchObject({ protocol: 'mqtt', ok: true, viaProxy: false });
    expect(m.tlsMs).toBeGreaterThanOrEqual(m.tcpMs as number);
    expect(a).toMatchObject({ protocol: 'amqp', ok: false, tlsMs: null, error: expect.stringMatching(/ECONNREFUSED/) });
    expect(w.ok).toBe(true);
    expect(JSON.parse(JSON.stringify(probe))).toStrictEqual(probe);
  });

  it('reaches the WebSocket port through the proxy, and only that one, redacting its credentials', async () => {
    const proxy = await startConnectProxy();
    try {
      const probe = await collectUpstream({ target: hub, ports: ports(), proxy: `http://user:pw@127.0.0.1:${proxy.port}`, signal: AbortSignal.timeout(10_000) });
      expect(probe.proxy).toBe(`http://***@127.0.0.1:${proxy.port}`);
      expect(probe.ports[2]).toMatchObject({ protocol: 'websocket', ok: true, viaProxy: true });
      expect(probe.ports[0].viaProxy).toBe(false);
      expect(proxy.asked).toEqual([`127.0.0.1:${websocket.port}`]);
    } finally {
      await proxy.close();
    }
  });

  it('says what the proxy answered when it refuses', async () => {
    const proxy = await startConnectProxy({ refuseWith: 407 });
    try {
      const probe = await collectUpstream({ target: hub, ports: ports(), proxy: `http://127.0.0.1:${proxy.port}`, signal: AbortSignal.timeout(10_000) });
      expect(probe.ports[2]).toMatchObject({ ok: false, error: 'the proxy answered 407 Refused' });
    } finally {
      await proxy.close();
    }
  });

  it('records a name that does not resolve, and tries no port straight', async () => {
    const probe = await collectUpstream({ target: { ...hub, host: 'no-such-hub.invalid' }, ports: ports(), proxy: '', signal: AbortSignal.timeout(10_000) });
    expect(probe.dns).toMatchObject({ ok: false, error: expect.stringMatching(/ENOTFOUND|EAI_AGAIN/) });
    expect(probe.ports.every((p) => !p.ok && p.error === 'not tried: the name does not resolve')).toBe(true);
  });

  it('probes nothing without a target', async () => {
    expect(await collectUpstream({ target: null, ports: ports(), proxy: '', signal: AbortSignal.timeout(1000) })).toEqual({ target: null, proxy: null, dns: null, ports: [] });
  });
});

describe('upstreamTarget', () => {
  const config = iotedgeConfig({ upstream: { iothubHostname: 'from-config.azure-devices.net', parentHostname: null } });

  it('takes the setting, then IOTEDGE_IOTHUBHOSTNAME, then config.toml', () => {
    expect(upstreamTarget({ iothubHostname: 'set', parentHostname: '', env: { IOTEDGE_IOTHUBHOSTNAME: 'env' }, iotedgeConfig: config })).toMatchObject({ host: 'set', role: 'iothub' });
    expect(upstreamTarget({ iothubHostname: '', parentHostname: '', env: { IOTEDGE_IOTHUBHOSTNAME: 'env' }, iotedgeConfig: config })).toMatchObject({ host: 'env', from: 'IOTEDGE_IOTHUBHOSTNAME' });
    expect(upstreamTarget({ iothubHostname: '', parentHostname: '', env: {}, iotedgeConfig: config })).toMatchObject({ host: 'from-config.azure-devices.net' });
    expect(upstreamTarget({ iothubHostname: '', parentHostname: '', env: {}, iotedgeConfig: null })).toBeNull();
  });

  it('reaches the parent instead on a nested device', () => {
    const nested = iotedgeConfig({ upstream: { iothubHostname: 'hub.azure-devices.net', parentHostname: 'parent-gw' } });
    expect(upstreamTarget({ iothubHostname: '', parentHostname: '', env: { IOTEDGE_IOTHUBHOSTNAME: 'hub' }, iotedgeConfig: nested })).toMatchObject({ role: 'parent', host: 'parent-gw' });
  });
});
