// The Prometheus endpoint of `run` and `run --local`: GET /metrics answers the latest finished
// cycle, rendered once per cycle, so a scrape never runs a check or waits for one.
import { randomUUID } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { Logger } from 'pino';
import type { Config } from '../config/settings.js';
import { type Labels, type MetricsCycle, capFamilies, cycleFamilies, omittedFamily, renderExposition } from '../report/metrics.js';

const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
/** A scraper that sends its request slowly is cut off rather than held open. */
const REQUEST_TIMEOUT_MS = 10_000;

export interface MetricsEndpoint {
  close(): Promise<void>;
}

/** The labels IoT Edge's own modules put on their metrics, from the env IoT Edge gives every module. */
export function iotEdgeLabels(env: NodeJS.ProcessEnv, instanceNumber: string = randomUUID()): Labels {
  const known: Labels = { instance_number: instanceNumber };
  if (env.IOTEDGE_IOTHUBHOSTNAME) known.iothub = env.IOTEDGE_IOTHUBHOSTNAME;
  if (env.IOTEDGE_DEVICEID) known.edge_device = env.IOTEDGE_DEVICEID;
  if (env.IOTEDGE_MODULEID) known.module_name = env.IOTEDGE_MODULEID;
  return known;
}

/**
 * Serves the metrics when `metricsEnabled`; otherwise does nothing. A port that cannot be opened is
 * logged as an error and the checks go on without the endpoint.
 */
export async function startMetricsEndpoint(config: Config, logger: Logger, latest: () => MetricsCycle | undefined): Promise<MetricsEndpoint | undefined> {
  if (!config.metricsEnabled) return undefined;
  const labels = iotEdgeLabels(process.env);
  const omittedTotals: Record<string, number> = {};
  let rendered: { cycle: MetricsCycle | undefined; text: string } | undefined;

  const exposition = (): string => {
    const cycle = latest();
    if (!rendered || rendered.cycle !== cycle) {
      const { families, omitted } = capFamilies(cycleFamilies(cycle));
      for (const [family, count] of Object.entries(omitted)) omittedTotals[family] = (omittedTotals[family] ?? 0) + count;
      rendered = { cycle, text: renderExposition([...families, omittedFamily(omittedTotals)], labels) };
    }
    return rendered.text;
  };

  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/metrics') return void response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: the metrics are at /metrics\n');
    if (request.method !== 'GET' && request.method !== 'HEAD') return void response.writeHead(405, { allow: 'GET, HEAD' }).end();
    const body = exposition();
    response.writeHead(200, { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(body) }).end(request.method === 'HEAD' ? undefined : body);
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = REQUEST_TIMEOUT_MS;

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.metricsPort, () => resolve());
    });
  } catch (error) {
    logger.error({ port: config.metricsPort, error: (error as Error).message }, 'metrics endpoint not started; the checks go on without it');
    return undefined;
  }
  logger.info({ port: config.metricsPort, path: '/metrics' }, 'serving Prometheus metrics');
  return {
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
