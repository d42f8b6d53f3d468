// Every check, in report order. Adding a check: its file (id, title, the sources it needs and uses,
// a pure run), its import and entry here, its test under test/checks/ and its row in the README's
// checks table (test/readme.test.ts fails without it); test/checks/contract.test.ts then runs it too.
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
