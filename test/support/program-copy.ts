// The built program in a folder any user can enter, for tests that run it as another user: the
// checkout itself may sit in a folder only root can enter (CI clones into one). Hard links make
// the copy instant on one filesystem; elsewhere the files are copied.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ProgramCopy {
  /** dist/cli/main.js inside the copy. */
  main: string;
  remove(): void;
}

export function copyProgramForOtherUsers(): ProgramCopy {
  const dir = mkdtempSync(path.join(tmpdir(), 'edge-health-program-'));
  chmodSync(dir, 0o755);
  for (const folder of ['dist', 'node_modules']) {
    const from = path.join(ROOT, folder);
    try {
      execFileSync('cp', ['-al', from, dir], { stdio: 'ignore' });
    } catch {
      execFileSync('cp', ['-r', from, dir]);
    }
  }
  copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  chmodSync(path.join(dir, 'package.json'), 0o644);
  return { main: path.join(dir, 'dist/cli/main.js'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
