// iotedge check's proxy-settings, and what breaks behind a proxy: the engine, edgeAgent and edgeHub
// must agree on the proxy, and only the WebSocket protocols pass one (an https:// proxy URL breaks AmqpWs).
import { SYSTEM_MODULES, envValue, systemModule } from '../iotedge.js';
import { cite } from './checklist.js';
import { proxyScheme, sameProxy } from '../proxy.js';
import type { ContainerInfo } from '../snapshot.js';
import { notRunning } from './system-modules.js';
import type { Check, Finding } from './types.js';

/** What edgeAgent and edgeHub use when UpstreamProtocol is not set. */
const DEFAULT_PROTOCOL = 'Amqp';
const SAME_FIX =
  'Give the engine (systemd drop-in for docker: Environment="https_proxy=…"), aziot-edged and aziot-identityd, config.toml [agent.env] and the deployment\'s edgeAgent and edgeHub env the same https_proxy, then restart them (' + cite('Configure communication through a proxy') + ').';
const PROTOCOL_FIX =
  'Behind a proxy set UpstreamProtocol to AmqpWs or MqttWs (AMQP and MQTT over WebSocket, port 443) on edgeAgent and edgeHub, and in config.toml [agent.env]: plain AMQP (5671) and MQTT (8883) never go through a proxy (' + cite('Configure communication through a proxy', 'Be consistent with upstream protocol') + ').';
const HTTPS_PROXY_FIX =
  'Use an http:// URL for the proxy (https_proxy=http://proxy:3128): the AMQP-over-WebSocket client of edgeAgent/edgeHub does not speak TLS to the proxy itself, so an https:// proxy URL breaks AmqpWs (Azure/iotedge#7091); the connection to IoT Hub is TLS inside the tunnel either way.';

interface ProxySetting {
  where: string;
  value: string | undefined;
}

export const productionProxy: Check = {
  id: 'production.proxy',
  title: 'Proxy settings',
  needs: ['docker', 'containers'],
  twinNumbers: [],
  uses: ['iotedgeConfig'],
  run(snapshot) {
    const modules = SYSTEM_MODULES.map((name) => systemModule(snapshot, name)).filter((c) => c !== undefined);
    if (modules.length === 0) return [notRunning(...SYSTEM_MODULES)];
    const engineProxy = snapshot.docker?.proxy.httpsProxy || undefined;
    const settings: ProxySetting[] = [
      { where: 'engine', value: engineProxy },
      ...modules.map((m) => ({ where: m.name, value: envValue(m.env, 'https_proxy') })),
    ];
    const bootstrap = snapshot.iotedgeConfig?.found ? envValue(snapshot.iotedgeConfig.agent.env, 'https_proxy') : undefined;
    if (bootstrap !== undefined) settings.push({ where: 'config.toml [agent.env]', value: bootstrap });
    return [agreement(settings), ...modules.map(protocolThroughProxy)];
  },
};

function agreement(settings: ProxySetting[]): Finding {
  const subject = ['engine', ...settings.slice(1).map((s) => s.where)].join('/');
  const details = { httpsProxies: Object.fromEntries(settings.map(({ where, value }) => [where, value ?? null])) };
  const set = settings.filter((s) => s.value !== undefined);
  if (set.length === 0) return { subject, status: 'ok', message: 'no proxy set on the engine, edgeAgent or edgeHub', details };
  const first = set[0].value as string;
  if (set.length === settings.length && set.every((s) => sameProxy(s.value as string, first))) {
    return { subject, status: 'ok', message: `one proxy everywhere: ${first}`, details };
  }
  const described = settings.map(({ where, value }) => `${where} ${value ?? 'none'}`).join(', ');
  return { subject, status: 'warning', message: `proxy settings differ: ${described}`, details, remediation: SAME_FIX };
}

function protocolThroughProxy(module: ContainerInfo): Finding {
  const proxy = envValue(module.env, 'https_proxy');
  const protocol = envValue(module.env, 'UpstreamProtocol') ?? DEFAULT_PROTOCOL;
  const details = { httpsProxy: proxy ?? null, upstreamProtocol: protocol, proxyScheme: proxy ? proxyScheme(proxy) : null };
  const subject = module.name;
  if (proxy === undefined) return { subject, status: 'ok', message: `no proxy; UpstreamProtocol ${protocol}`, details };
  const lower = protocol.toLowerCase();
  if (lower === 'amqp' || lower === 'mqtt') {
    return { subject, status: 'warning', message: `proxy ${proxy} set, but UpstreamProtocol ${protocol} cannot go through a proxy`, details, remediation: PROTOCOL_FIX };
  }
  if (lower === 'amqpws' && proxyScheme(proxy) === 'https') {
    return { subject, status: 'warning', message: `https:// proxy URL ${proxy} with UpstreamProtocol AmqpWs: AmqpWs cannot connect through it`, details, remediation: HTTPS_PROXY_FIX };
  }
  return { subject, status: 'ok', message: `UpstreamProtocol ${protocol} through proxy ${proxy}`, details };
}
