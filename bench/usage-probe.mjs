// Loaded with `node --import` into a measured process: appends one JSON line of its memory use
// every second, and its peak RSS and CPU time at exit, to the file BENCH_USAGE_FILE names.
import { appendFileSync } from 'node:fs';

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  const write = (record) => appendFileSync(file, `${JSON.stringify({ atMs: Date.now(), ...record })}\n`);
  const sample = () => {
    const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
    write({ rss, heapUsed, heapTotal, external });
  };
  setInterval(sample, 1_000).unref();
  process.on('exit', () => {
    const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
    write({ exit: true, maxRssBytes: maxRSS * 1024, cpuMicros: userCPUTime + systemCPUTime });
  });
}
