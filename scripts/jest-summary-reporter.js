// Prints the plain closing line 'N passed, N failed[, N skipped]' that CI reads, after Jest's own summary.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const suite = results.testResults[0]?.displayName?.name ?? 'tests';
    process.stdout.write(`\n${suite}: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  }
}
module.exports = SummaryReporter;
