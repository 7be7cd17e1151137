import * as fs from 'node:fs';
import * as path from 'node:path';
import { createCompletionTracker } from './progress';

// criterion's real progress lines (examples' orderbook_bench, criterion 0.5.1): see __fixtures__/README.md.
const stderr = fs.readFileSync(path.join(__dirname, '__fixtures__', 'run-save-baseline.stderr'), 'utf8');

describe('each benchmark as it finishes', () => {
  it('reports a benchmark complete when the next one starts, and the last at the end', () => {
    const events: string[] = [];
    const tracker = createCompletionTracker((titles) => events.push(`done ${titles.join(',')}`));
    for (const line of stderr.split('\n')) {
      tracker.line(line);
      const started = /^Benchmarking ([^:]+)$/.exec(line);
      if (started) events.push(`start ${started[1]}`);
    }
    tracker.end();
    expect(events).toEqual([
      'start orderbook/add_cancel_match',
      'done orderbook/add_cancel_match',
      'start parse/feed_json',
      'done parse/feed_json',
      'start parse/feed_json_and_apply',
      'done parse/feed_json_and_apply',
    ]);
  });

  it('follows a terminal\'s overwritten progress line (\\r) and ignores colour codes', () => {
    const done: string[] = [];
    const tracker = createCompletionTracker((titles) => done.push(...titles));
    tracker.line('Benchmarking a\rBenchmarking a: Warming up for 1.0000 s\rBenchmarking a: Analyzing');
    tracker.line('\x1b[32ma\x1b[0m  time: [1.0 ms 1.1 ms 1.2 ms]');
    expect(done).toEqual([]);
    tracker.line('\rBenchmarking b');
    expect(done).toEqual(['a']);
    tracker.end();
    // b never reached Analyzing (a filter, a panic): nothing to report for it.
    expect(done).toEqual(['a']);
  });
});
