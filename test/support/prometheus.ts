// Reading metrics as a scraper does: a real parser of the text format, and Prometheus' promtool.
import { execFile } from 'node:child_process';
// @ts-expect-error the package ships no types; its shape is ParsedFamily below.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

export interface ParsedFamily {
  name: string;
  help: string;
  /** GAUGE, COUNTER, … */
  type: string;
  metrics: { value: string; labels?: Record<string, string> }[];
}

export function parseExposition(text: string): Map<string, ParsedFamily> {
  return new Map((parsePrometheusTextFormat(text) as ParsedFamily[]).map((family) => [family.name, family]));
}

/** The family's series as numbers; throws, listing the families there are, when it is missing. */
export function seriesOf(families: Map<string, ParsedFamily>, name: string): { labels: Record<string, string>; value: number }[] {
  const family = families.get(name);
  if (!family) throw new Error(`no family ${name}; have ${[...families.keys()].join(', ')}`);
  return family.metrics.map((m) => ({ labels: m.labels ?? {}, value: Number(m.value) }));
}

/** `promtool check metrics` on the text: its findings (empty when clean), or undefined without promtool. */
export function promtoolCheck(text: string): Promise<{ code: number; output: string } | undefined> {
  return new Promise((resolve) => {
    const child = execFile('promtool', ['check', 'metrics'], { timeout: 30_000 }, (error, stdout, stderr) => {
      if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') return resolve(undefined);
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
    child.stdin?.end(text);
  });
}
