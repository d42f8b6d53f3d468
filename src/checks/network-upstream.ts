// What iotedge check's container-connect-upstream checks, from the agent's own network on every
// cycle: the IoT Hub (or the parent) resolves, and the port of the protocol in use takes a TLS handshake.
import { envValue, systemModule } from '../iotedge.js';
import type { Snapshot, UpstreamProbe, UpstreamProtocolPort } from '../snapshot.js';
import { cite } from './checklist.js';
import type { Check } from './types.js';

const PORT_OF: Record<string, UpstreamProtocolPort> = { amqp: 'amqp', mqtt: 'mqtt', amqpws: 'websocket', mqttws: 'websocket' };
const NAMES: Record<UpstreamProtocolPort, string> = { mqtt: 'MQTT', amqp: 'AMQP', websocket: 'WebSocket' };
const FIX =
  'Open outbound TCP to the IoT Hub (or parent) on the port of the UpstreamProtocol in use (8883 MQTT, 5671 AMQP, 443 AmqpWs/MqttWs) in the firewall, check DNS from containers (production.dns), and behind a proxy use AmqpWs or MqttWs with the proxy set on edgeAgent, edgeHub and the engine; `sudo iotedge check` tests the same from the host (' + cite('Allow connections from IoT Edge devices', 'Configure communication through a proxy') + ').';

export const networkUpstream: Check = {
  id: 'network.upstream',
  title: 'Upstream connectivity',
  needs: ['upstream'],
  twinNumbers: ['dnsMs'],
  uses: ['containers', 'iotedgeConfig'],
  settings: ['iothubHostname', 'parentHostname', 'upstreamMqttPort', 'upstreamAmqpPort', 'upstreamWebSocketPort'],
  run(snapshot) {
    const probe = snapshot.upstream as UpstreamProbe;
    if (!probe.target) {
      return [{ subject: 'upstream', status: 'skipped', message: 'no IoT Hub host known: IOTEDGE_IOTHUBHOSTNAME unset (not an IoT Edge module) and no iothub_hostname in config.toml', details: {} }];
    }
    const protocol = upstreamProtocol(snapshot);
    const primary = PORT_OF[protocol.toLowerCase()] ?? 'amqp';
    // edgeHub falls back from AMQP and MQTT to their WebSocket forms on 443.
    const fallback: UpstreamProtocolPort | null = primary === 'websocket' ? null : 'websocket';
    const { target, dns } = probe;
    const details = {
      host: target.host,
      role: target.role,
      hostFrom: target.from,
      upstreamProtocol: protocol,
      proxy: probe.proxy,
      dnsMs: dns?.durationMs ?? null,
      addresses: dns?.addresses ?? [],
      ports: Object.fromEntries(probe.ports.map((p) => [p.protocol, { port: p.port, ok: p.ok, viaProxy: p.viaProxy, tcpMs: p.tcpMs, tlsMs: p.tlsMs, ...(p.error ? { error: p.error } : {}) }])),
    };
    const subject = target.host;
    const port = (which: UpstreamProtocolPort) => probe.ports.find((p) => p.protocol === which);
    const describe = (p: UpstreamProbe['ports'][number]) => `${NAMES[p.protocol]} ${p.port}${p.viaProxy ? ' through the proxy' : ''}`;
    const inUse = port(primary);
    if (inUse && !inUse.ok) {
      const dnsNote = dns && !dns.ok ? ` (${target.host} does not resolve: ${dns.error})` : '';
      return [{ subject, status: 'error', message: `UpstreamProtocol ${protocol} cannot connect: ${describe(inUse)}: ${inUse.error}${dnsNote}`, details, remediation: FIX }];
    }
    const spare = fallback ? port(fallback) : undefined;
    if (spare && !spare.ok) {
      return [{ subject, status: 'warning', message: `${describe(spare)}, the fallback of ${protocol}, is closed: ${spare.error}`, details, remediation: FIX }];
    }
    const timing = inUse?.tlsMs === null || inUse === undefined ? '' : `, TLS handshake on ${describe(inUse)} in ${inUse.tlsMs} ms`;
    return [{ subject, status: 'ok', message: `${target.role === 'parent' ? 'parent ' : ''}reachable: resolved in ${dns?.durationMs ?? 0} ms${timing}`, details }];
  },
};

/** The protocol edgeHub uses (it carries the messages), else edgeAgent's, else config.toml's; unset means AMQP. */
function upstreamProtocol(snapshot: Snapshot): string {
  const module = systemModule(snapshot, 'edgeHub') ?? systemModule(snapshot, 'edgeAgent');
  if (module) return envValue(module.env, 'UpstreamProtocol') ?? 'Amqp';
  const bootstrap = snapshot.iotedgeConfig?.found ? envValue(snapshot.iotedgeConfig.agent.env, 'UpstreamProtocol') : undefined;
  return bootstrap ?? 'Amqp';
}
