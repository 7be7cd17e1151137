import * as fs from 'node:fs';
import * as path from 'node:path';
import { measurementPlans, unhonouredOptions } from './criterion';

const read = (name: string) => fs.readFileSync(path.join(__dirname, '..', '__fixtures__', name), 'utf8');

describe('options criterion did not honour [exec-bench-options-ignored]', () => {
  // Real output: the group asks for 20 samples in 2 s, the command line for 10 samples in 1 s and 0.5 s warm-up.
  const plans = measurementPlans(read('run-group-settings.stderr'));

  it('reads what criterion planned for each benchmark', () => {
    expect(plans).toEqual([
      { title: 'codec/encode_json', warmUpSeconds: 0.5, samples: 20, estimatedSeconds: 2.2741, iterations: 1680 },
      { title: 'codec/decode_json', warmUpSeconds: 0.5, samples: 20, estimatedSeconds: 2.5127, iterations: 630 },
      { title: 'codec/parse_price', warmUpSeconds: 0.5, samples: 20, estimatedSeconds: 2, iterations: 31e6 },
    ]);
  });

  it('warns about --sample-size and --measurement-time, not about the honoured --warm-up-time', () => {
    const w = unhonouredOptions(plans, { warmUpTime: 0.5, measurementTime: 1, sampleSize: 10 });
    expect(w).toHaveLength(2);
    expect(w[0]).toMatch(/^criterion did not use --sample-size 10 for 3 of 3 benchmark\(s\): codec\/encode_json \(collecting 20 samples\), /);
    expect(w[1]).toMatch(/^criterion did not use --measurement-time 1 for 3 of 3 benchmark\(s\): codec\/encode_json \(estimated 2.2741 s\), codec\/decode_json \(estimated 2.5127 s\), codec\/parse_price \(estimated 2 s\)\./);
    expect(w[1]).toContain('.configure_from_args()');
  });

  it('stays quiet when the asked values are the ones criterion used (no false alarm from its rounding up)', () => {
    expect(unhonouredOptions(plans, { warmUpTime: 0.5, measurementTime: 2, sampleSize: 20 })).toEqual([]);
    // Nothing asked, nothing to compare.
    expect(unhonouredOptions(plans, {})).toEqual([]);
  });

  it('reads the warm-up of the recorded example run and a terminal\'s overwritten lines', () => {
    expect(unhonouredOptions(measurementPlans(read('run-save-baseline.stderr')), { warmUpTime: 0.5 })).toEqual([]);
    expect(unhonouredOptions(measurementPlans(read('run-save-baseline.stderr')), { warmUpTime: 3 })[0]).toMatch(/--warm-up-time 3 for 3 of 3 .*warming up for 0.5 s/);
    const tty = 'Benchmarking a: Warming up for 3.0000 s\rBenchmarking a: Collecting 100 samples in estimated 5.0012 s (5050 iterations)\r';
    expect(measurementPlans(tty)).toEqual([{ title: 'a', warmUpSeconds: 3, samples: 100, estimatedSeconds: 5.0012, iterations: 5050 }]);
  });

  it('counts "Unable to complete N samples in <M>" as honoured when it names the asked time', () => {
    // criterion's own words when one iteration per step is already too long (d = 1): it kept the target.
    const out = [
      'Benchmarking slow: Warming up for 1.0000 s',
      '',
      'Warning: Unable to complete 100 samples in 1.0s. You may wish to increase target time to 11.7s, enable flat sampling, or reduce sample count to 20.',
      'Benchmarking slow: Collecting 100 samples in estimated 11.712 s (5050 iterations)',
    ].join('\n');
    expect(unhonouredOptions(measurementPlans(out), { measurementTime: 1 })).toEqual([]);
    expect(unhonouredOptions(measurementPlans(out), { measurementTime: 5 })).toHaveLength(1);
  });
});
