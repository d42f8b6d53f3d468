// One module under test: a local hub of its own and `edge-health run` as a real process connected
// to it, with what an operator reads off it (the twin's reported properties, the log) at hand.
import { type AgentProcess, startAgent } from './agent-process.js';
import { type TestHub, startTestHub } from './hub/index.js';

export interface Reported {
  health?: { status: string; checks: Record<string, { id: string; status: string; worst: Record<string, { subject: string; status: string; message: string }> }> };
  config?: { status: string; desiredVersion: number | null; rejectedVersion: number | null; error?: string | null; applied: Record<string, unknown> };
  agent?: { engineReachable?: boolean };
}

export interface ModuleScenario {
  hub: TestHub;
  moduleId: string;
  agent: AgentProcess;
  /** When each cycle finished, from the log. */
  cycles(): number[];
  /** The log lines whose text includes `text`. */
  logged(text: string): string[];
  reported(): Reported;
  /** Invokes a direct method as an operator does, through the service API. */
  invoke(methodName: string, payload?: unknown): Promise<{ status: number; payload: unknown }>;
  /** Patches the desired properties as an operator does, through the service API. */
  setDesired(desired: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

/** Starts the hub and the agent (a cycle every second) and waits for its first connection; `beforeConnect` runs in between. */
export async function startModuleScenario(env: Record<string, string> = {}, beforeConnect: (hub: TestHub) => void = () => {}): Promise<ModuleScenario> {
  const hub = await startTestHub();
  const moduleId = hub.addModule('edgeHealth');
  beforeConnect(hub);
  const agent = startAgent(['run'], {
    ...process.env,
    NODE_EXTRA_CA_CERTS: undefined,
    ...hub.moduleEnv(moduleId),
    EDGE_HEALTH_SCHEDULE: '* * * * * *',
    EDGE_HEALTH_JITTER_SECONDS: '0',
    EDGE_HEALTH_LOG_LEVEL: 'info',
    EDGE_HEALTH_VOLUME_SIZES: 'false',
    ...env,
  });
  const scenario: ModuleScenario = {
    hub,
    moduleId,
    agent,
    cycles: () => agent.logs().filter((l) => l.logText.includes('cycle finished')).map((l) => Date.parse(l.timestamp ?? '')),
    logged: (text) => agent.logs().filter((l) => l.logText.includes(text)).map((l) => l.logText),
    invoke: async (methodName, payload = null) => {
      const { result } = await hub.serviceClient().invokeDeviceMethod(hub.deviceId, moduleId, { methodName, payload, responseTimeoutInSeconds: 10 });
      return result as { status: number; payload: unknown };
    },
    reported: () => (hub.twin(moduleId) as unknown as { properties: { reported: Reported } }).properties.reported,
    // Unconditional ('*'), as an operator's tool does: the module reports all the time, and every
    // reported patch moves the etag between a read and the update.
    setDesired: async (desired) => {
      await hub.registry().updateModuleTwin(hub.deviceId, moduleId, { properties: { desired } }, '*');
    },
    close: async () => {
      await agent.stop();
      await hub.close();
    },
  };
  try {
    await hub.waitForConnections(moduleId, 1, 30_000);
  } catch (error) {
    await scenario.close();
    throw new Error(`${(error as Error).message}\nagent log:\n${agent.logs().map((l) => l.line).join('\n')}`);
  }
  return scenario;
}

/** The first truthy value of `read` within `timeoutMs`; otherwise throws naming `what` and, if given, what was seen. */
