import type { Command } from 'commander';
import { CHECKS } from '../checks/registry.js';
import { flagName } from '../config/settings.js';
import { wrap } from '../report/text.js';
import { terminalWidth } from './setting-options.js';

/** `edge-health checks`: every check id, what it judges and the settings (flags) that change it. */
export function checksCommand(program: Command): Command {
  return program
    .command('checks')
    .description('List every check id (for --disabled-checks) with its title and the settings it reads.')
    .option('--json', 'print the list as JSON')
    .action((options: { json?: boolean }) => {
      const list = CHECKS.map((check) => ({ id: check.id, title: check.title, settings: check.settings ?? [] }));
      if (options.json) {
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      const idWidth = Math.max(...list.map((c) => c.id.length));
      const lines = list.flatMap(({ id, title, settings }) => [
        `${id.padEnd(idWidth)}  ${title}`,
        ...(settings.length > 0 ? wrap(`${' '.repeat(idWidth + 2)}settings: ${settings.map((key) => flagName(key)).join(', ')}`, terminalWidth(), idWidth + 12) : []),
      ]);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
