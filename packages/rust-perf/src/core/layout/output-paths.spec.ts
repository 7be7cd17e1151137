import { DEFAULT_OUTPUT_ROOT, outputPaths } from './output-paths';

describe('outputPaths', () => {
  test('the layout under the default root', () => {
    expect(DEFAULT_OUTPUT_ROOT).toBe('dist');
    expect(outputPaths.build('md', 'pgo')).toBe('dist/rust/md/pgo');
    expect(outputPaths.profdata('md')).toBe('dist/pgo/md/md.profdata');
    expect(outputPaths.boltProfile('md', 'out')).toBe('out/bolt/md');
    expect(outputPaths.benchCi('md', 'orderbook', 'out')).toBe('out/bench-ci/md/orderbook');
    expect(outputPaths.benchPlan()).toBe('dist/rust-perf/bench-plan.json');
  });
});
