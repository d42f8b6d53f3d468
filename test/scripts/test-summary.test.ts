// The closing line CI reads: a run red only through its hooks, or only through vitest's exit
// status, never prints "0 failed".
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SUMMARY = path.join(ROOT, 'scripts/test-summary.mjs');

function run(command: string, args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: ROOT, env: { ...process.env, CI: 'true' } }, (error, stdout) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout }),
    );
  });
}

const summary = (report: string, status?: number) => run(process.execPath, [SUMMARY, report, ...(status === undefined ? [] : [String(status)])]);

describe('test-summary', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'test-summary-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts a beforeAll and an afterAll that threw as failures, from a real vitest run', async () => {
    const report = path.join(dir, 'red.json');
    const vitest = await run(process.execPath, [
      path.join(ROOT, 'node_modules/vitest/vitest.mjs'),
      'run',
      '--root',
      'test/support/red-run',
      '--reporter=json',
      `--outputFile.json=${report}`,
    ]);
    expect(vitest.code).not.toBe(0);
    const line = await summary(report);
    expect(line.stdout.trim()).toBe('2 passed, 2 failed, 1 skipped');
    expect(line.code).toBe(1);
  }, 60_000);

  it('a green report with a non-zero run status still counts one failure', async () => {
    const report = path.join(dir, 'green.json');
    writeFileSync(report, JSON.stringify({ numPassedTests: 3, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0, success: true, testResults: [] }));
    expect((await summary(report, 0)).stdout.trim()).toBe('3 passed, 0 failed, 0 skipped');
    expect((await summary(report, 1)).stdout.trim()).toBe('3 passed, 1 failed, 0 skipped');
  });

  it('a missing report is a failure', async () => {
    const line = await summary(path.join(dir, 'absent.json'));
    expect(line.stdout.trim()).toBe('0 passed, 1 failed, 0 skipped');
    expect(line.code).toBe(1);
  });
});
