// The README is the settings and checks reference: it must list exactly what the code has.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHECKS, CHECK_IDS } from '../src/checks/registry.js';
import { SETTING_KEYS, describeDefault, describeRange, envName, flagName } from '../src/config/settings.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('documents every setting with its env var, flag, accepted values and default', () => {
    for (const key of SETTING_KEYS) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${key}\` |`));
      expect(row, `settings table row for ${key}`).toBeDefined();
      expect(row).toContain(`\`${envName(key)}\``);
      expect(row).toContain(`\`${flagName(key)}\``);
      expect(row).toContain(`\`${describeDefault(key)}\``);
      expect(row).toContain(` ${describeRange(key).replace(/\|/g, '\\|')} |`);
    }
  });

  it('documents no setting the code does not have', () => {
    const documented = [...readme.matchAll(/`(EDGE_HEALTH_[A-Z_]+)`/g)].map((m) => m[1]);
    expect(documented.filter((name) => !SETTING_KEYS.some((key) => envName(key) === name))).toEqual([]);
  });

  it('lists every check id in the checks table', () => {
    for (const id of CHECK_IDS) expect(readme).toMatch(new RegExp(`^\\| \`${id.replace('.', '\\.')}\` \\|`, 'm'));
  });

  it('names, for every check, the settings the check declares (what `edge-health checks` prints)', () => {
    for (const check of CHECKS) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${check.id}\` |`)) ?? '';
      const column = row.split(' | ').at(-1) ?? '';
      expect([...column.matchAll(/`([a-zA-Z]+)`/g)].map((m) => m[1]), check.id).toEqual(check.settings ?? []);
    }
  });

  it('shows how to run the installed command', () => {
    expect(readme).toContain('npx edge-health check');
    expect(readme).toContain('npm link');
  });
});
