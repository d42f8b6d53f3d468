// Memory growth over many cycles, back to back (node --expose-gc growth-probe.js <cycles> <seconds>):
// the module's cycle runner, with its histories and cache, run without waiting for a schedule; every
// SAMPLE_EVERY cycles the heap is collected and heap and RSS are sampled. Prints one JSON object.
import { defaultConfig } from '../src/config/settings.js';
import { CycleRunner } from '../src/module/cycle-runner.js';

const SAMPLE_EVERY = 25;
const [cycles, seconds] = process.argv.slice(2).map(Number);
const collectGarbage = (globalThis as { gc?: () => void }).gc;
if (!collectGarbage) throw new Error('run with node --expose-gc');

const config = defaultConfig();
const runner = new CycleRunner(() => config);
const samples: Array<{ cycle: number; heapUsedBytes: number; rssBytes: number }> = [];
const started = performance.now();
let done = 0;
while (done < cycles && performance.now() - started < seconds * 1000) {
  await runner.run();
  done++;
  if (done % SAMPLE_EVERY === 0) {
    collectGarbage();
    const { heapUsed, rss } = process.memoryUsage();
    samples.push({ cycle: done, heapUsedBytes: heapUsed, rssBytes: rss });
  }
}
process.stdout.write(`${JSON.stringify({ cycles: done, seconds: Math.round((performance.now() - started) / 1000), samples })}\n`);
