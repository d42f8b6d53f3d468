// Prints vitest's own counts from its JSON report as the one line CI reads: "N passed, N failed, N skipped".
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'test-results/vitest.json';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.log('0 passed, 1 failed, 0 skipped');
  console.error(`test-summary: no vitest report at ${file}: ${error.message}`);
  process.exit(1);
}
const skipped = report.numPendingTests + report.numTodoTests;
// A file that failed to load counts as a failure even though none of its tests ran.
const failedFiles = report.testResults.filter((file) => file.status === 'failed' && file.assertionResults.length === 0).length;
console.log(`${report.numPassedTests} passed, ${report.numFailedTests + failedFiles} failed, ${skipped} skipped`);
