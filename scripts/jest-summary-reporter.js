// Prints the plain closing line 'N passed, N failed[, N skipped]' that CI reads, after Jest's own summary.
// With { perFile: true } (the e2e suite) it also prints each test file's wall time as the file ends, and
// all of them slowest first before the closing line, so a CI log shows where the minutes go.
const path = require('node:path');

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

class SummaryReporter {
  constructor(globalConfig, options = {}) {
    this.rootDir = globalConfig?.rootDir ?? process.cwd();
    this.perFile = options.perFile === true;
    this.files = [];
  }

  onTestResult(_test, result) {
    if (!this.perFile) return;
    const { start, end } = result.perfStats;
    const file = path.relative(this.rootDir, result.testFilePath);
    const ms = end - start;
    this.files.push({ file, ms, failed: result.numFailingTests > 0 || Boolean(result.testExecError) });
    process.stdout.write(`\n${file}: ${seconds(ms)}\n`);
  }

  onRunComplete(_contexts, results) {
    if (this.files.length > 0) {
      const total = this.files.reduce((sum, f) => sum + f.ms, 0);
      const width = Math.max(...this.files.map((f) => f.file.length));
      process.stdout.write(`\nTime per test file (${this.files.length} files, ${seconds(total)} in all), slowest first:\n`);
      for (const f of [...this.files].sort((a, b) => b.ms - a.ms)) {
        process.stdout.write(`  ${f.file.padEnd(width)}  ${seconds(f.ms).padStart(8)}${f.failed ? '  (failed)' : ''}\n`);
      }
    }
    const skipped = results.numPendingTests + results.numTodoTests;
    // Every Jest project the run covered (rust-perf's config has two), not whichever file finished first.
    const names = [...new Set(results.testResults.map((r) => r.displayName?.name).filter(Boolean))].sort();
    const suite = names.length > 0 ? names.join(' + ') : 'tests';
    process.stdout.write(`\n${suite}: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  }
}
module.exports = SummaryReporter;
