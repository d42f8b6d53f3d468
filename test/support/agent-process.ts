// The agent as IoT Edge runs it: `edge-health run` in its own process, with the env edgeAgent gives.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type ParsedLogLine, parseLogLines } from './iotedge-log.js';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface AgentProcess {
  /** The log lines the agent wrote to stderr so far (in its default, IoT Edge format), as edgeAgent reads them. */
  logs(): ParsedLogLine[];
  /** What it printed on stdout so far (reports, with run --local), line by line. */
  stdoutLines(): string[];
  /** SIGTERM, as IoT Edge stops a module; resolves with the exit code and how long it took. */
  stop(): Promise<{ code: number | null; ms: number }>;
  readonly child: ChildProcess;
}

export function startAgent(args: string[], env: Record<string, string | undefined>): AgentProcess {
  const child = spawn(process.execPath, [MAIN, ...args], { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    logs: () => parseLogLines(stderr),
    stdoutLines: () => stdout.split('\n').filter((line) => line !== ''),
    stop: async () => {
      const started = Date.now();
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      return { code, ms: Date.now() - started };
    },
  };
}
