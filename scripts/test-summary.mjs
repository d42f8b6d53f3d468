// Prints vitest's counts from its JSON report as the one line CI reads: "N passed, N failed, N skipped".
// A red run never prints "0 failed": a file that failed without a failing test (a beforeAll or
// afterAll hook threw, the file did not load) counts as one failure, and so does a run that vitest
// itself marked unsuccessful or that exited non-zero (the optional second argument) with nothing
// else counted.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'test-results/vitest.json';
const runStatus = Number(process.argv[3] ?? 0);
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.log('0 passed, 1 failed, 0 skipped');
  console.error(`test-summary: no vitest report at ${file}: ${error.message}`);
  process.exit(1);
}
const skipped = report.numPendingTests + report.numTodoTests;
const failedOutsideTests = report.testResults.filter(
  (result) => result.status === 'failed' && !result.assertionResults.some((test) => test.status === 'failed'),
);
for (const result of failedOutsideTests) {
  console.error(`test-summary: ${result.name} failed outside its tests (a hook or the file itself): ${result.message || 'see the log above'}`);
}
let failed = report.numFailedTests + failedOutsideTests.length;
if (failed === 0 && (report.success === false || runStatus !== 0)) {
  console.error(`test-summary: the run failed (${report.success === false ? 'vitest marked it unsuccessful' : `exit status ${runStatus}`}) though no test did`);
  failed = 1;
}
console.log(`${report.numPassedTests} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0) process.exitCode = 1;
