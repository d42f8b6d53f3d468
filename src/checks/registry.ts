// Every check, in report order. Adding a check takes: its file, src/checks/<area>-<name>.ts, with
// a Check (id, title, the sources it needs and uses, its settings, the detail numbers the twin
// carries, a pure run); its import and entry here; its tests under test/checks/; and its row in the
// README's checks table with those settings (test/readme.test.ts fails without it). A new threshold
// is a setting in config/settings.ts and a row in the settings table. test/checks/contract.test.ts
// then holds it to the result rules.
import { certsExpiry } from './certs-expiry.js';
import { containersHealth } from './containers-health.js';
import { containersLimits } from './containers-limits.js';
import { diskForecast } from './disk-forecast.js';
import { diskInodes } from './disk-inodes.js';
import { diskSpace } from './disk-space.js';
import { dockerEngine } from './docker-engine.js';
import { edgehubStore } from './edgehub-store.js';
import { logsPolicy } from './logs-policy.js';
import { logsSize } from './logs-size.js';
import { modulesRunning } from './modules-running.js';
import { networkUpstream } from './network-upstream.js';
import { productionDns } from './production-dns.js';
import { productionEdgeCa } from './production-edge-ca.js';
import { productionHubMemory } from './production-hub-memory.js';
import { productionImageGc } from './production-image-gc.js';
import { productionImageTags } from './production-image-tags.js';
import { productionLogDriver } from './production-log-driver.js';
import { productionMobyEngine } from './production-moby-engine.js';
import { productionProtocolHeads } from './production-protocol-heads.js';
import { productionProxy } from './production-proxy.js';
import { productionSystemStorage } from './production-system-storage.js';
import { productionUpdateMode } from './production-update-mode.js';
import { productionUpstreamProtocol } from './production-upstream-protocol.js';
import { timeOffset } from './time-offset.js';
import type { Check } from './types.js';
import { volumesUnused } from './volumes-unused.js';

export const CHECKS: readonly Check[] = [
  diskSpace,
  diskInodes,
  diskForecast,
  dockerEngine,
  volumesUnused,
  logsSize,
  logsPolicy,
  containersLimits,
  containersHealth,
  modulesRunning,
  edgehubStore,
  timeOffset,
  networkUpstream,
  certsExpiry,
  productionEdgeCa,
  productionImageTags,
  productionSystemStorage,
  productionUpstreamProtocol,
  productionUpdateMode,
  productionLogDriver,
  productionImageGc,
  productionMobyEngine,
  productionHubMemory,
  productionProtocolHeads,
  productionDns,
  productionProxy,
];

export const CHECK_IDS: readonly string[] = CHECKS.map((check) => check.id);
