// The floor a cycle is compared with: what any agent must ask the engine for, over plain node:http
// and nothing else (list containers, inspect each, list volumes, info), with nothing judged.
import http from 'node:http';

const CONCURRENCY = 8;

function get(socketPath: string, path: string, agent: http.Agent): Promise<unknown> {
  return new Promise((resolve, reject) => {
    http
      .get({ socketPath, path, agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

/** One floor cycle against the engine at this unix socket; returns how many containers it inspected. */
export async function floorCycle(socketPath: string): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    const [listed] = await Promise.all([
      get(socketPath, '/v1.41/containers/json?all=true', agent),
      get(socketPath, '/v1.41/volumes', agent),
      get(socketPath, '/v1.41/info', agent),
    ]);
    const containers = listed as Array<{ Id: string }>;
    const queue = [...containers];
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await get(socketPath, `/v1.41/containers/${next.Id}/json`, agent);
    }));
    return containers.length;
  } finally {
    agent.destroy();
  }
}

export function socketOf(dockerHost = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock'): string {
  if (!dockerHost.startsWith('unix://')) throw new Error(`the floor reaches engines over a unix socket; DOCKER_HOST is ${dockerHost}`);
  return dockerHost.slice('unix://'.length);
}
