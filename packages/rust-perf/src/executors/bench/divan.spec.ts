import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { divanBenches, refuseCriterionOnly } from './divan';

describe('divan benches of a package', () => {
  it('are the bench targets whose source calls divan::main', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'divan-benches-'));
    fs.writeFileSync(path.join(dir, 'speed.rs'), 'fn main() {\n    divan::main();\n}\n');
    fs.writeFileSync(path.join(dir, 'crit.rs'), 'criterion_main!(benches);\n');
    const pkg = {
      name: 'dv',
      manifest_path: path.join(dir, 'Cargo.toml'),
      dependencies: [],
      targets: [
        { name: 'speed', kind: ['bench'], src_path: path.join(dir, 'speed.rs') },
        { name: 'crit', kind: ['bench'], src_path: path.join(dir, 'crit.rs') },
        { name: 'gone', kind: ['bench'], src_path: path.join(dir, 'missing.rs') },
        { name: 'dv', kind: ['lib'], src_path: path.join(dir, 'speed.rs') },
      ],
    };
    expect([...divanBenches(pkg)]).toEqual(['speed']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('criterion-only options with divan benches', () => {
  it('[exec-bench-divan-criterion-options] refuses saveBaseline and a criterion baseline name, naming the benches', () => {
    expect(() => refuseCriterionOnly({ saveBaseline: 'main' }, false, ['speed'])).toThrow(/"saveBaseline" saves a criterion baseline; divan has none \(bench\(es\) speed\)/);
    expect(() => refuseCriterionOnly({ baseline: 'main' }, true, ['speed'])).toThrow(/"baseline": "main" names a criterion baseline; divan has none/);
    expect(() => refuseCriterionOnly({ baseline: 'dist/bench/dv/summary.json' }, false, ['speed'])).not.toThrow();
  });
});
