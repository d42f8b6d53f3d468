// Runs the built `edge-health` program the way a user does, and returns what they would see.
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { copyProgramForOtherUsers } from './program-copy.js';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `as` runs it as another user (uid and gid, which needs root), from a copy that user can reach. */
export function runCli(args: string[], env: Record<string, string | undefined> = {}, as?: { uid: number; gid: number }): Promise<CliRun> {
  const copy = as ? copyProgramForOtherUsers() : undefined;
  return new Promise<CliRun>((resolve) => {
    execFile(process.execPath, [copy?.main ?? MAIN, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, maxBuffer: 64 * 1024 * 1024, ...as }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  }).finally(() => copy?.remove());
}

export interface TimedCliRun extends CliRun {
  /** Milliseconds from the last byte written to stdout or stderr to the process's exit. */
  lingerMs: number;
}

/** Like runCli, also measuring how long the program stays after its last output. */
export function runCliTimed(args: string[], env: Record<string, string | undefined> = {}): Promise<TimedCliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let lastOutput = performance.now();
    child.stdout.on('data', (chunk: Buffer) => {
      out.push(chunk);
      lastOutput = performance.now();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err.push(chunk);
      lastOutput = performance.now();
    });
    let exitedAt = 0;
    child.on('error', reject);
    child.on('exit', () => {
      exitedAt = performance.now();
    });
    // 'close' comes after 'exit', once the pipes are drained; output read after the exit counts as none.
    child.on('close', (code) =>
      resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), lingerMs: Math.max(0, exitedAt - lastOutput) }),
    );
  });
}
