import * as fs from 'node:fs';
import * as path from 'node:path';
import { affectingChanges, benchExecutables, benchRunArgv, benchRunEnv, benchSides, cargoBenchBuildArgs, CargoMessageError, exactFilter, otherBenchRoots } from './compare-plan';

const jsonl = fs.readFileSync(path.join(__dirname, '__fixtures__', 'cargo-bench-no-run.jsonl'), 'utf8');

describe('same-job comparison plan', () => {
  it('selects exactly one benchmark, escaping regex characters of its id', () => {
    expect(exactFilter('a/b')).toBe('^a/b$');
    expect(exactFilter('sum(1+2).x')).toBe('^sum\\(1\\+2\\)\\.x$');
    expect(new RegExp(exactFilter('sum(1+2).x')).test('sum(1+2).x')).toBe(true);
    expect(new RegExp(exactFilter('sum(1+2).x')).test('sum(1+2)yx')).toBe(false);
  });

  it('runs a bench executable with its package\'s env, its deps folder for dylibs and the side\'s criterion home', () => {
    const side = { executable: '/t/release/deps/b-1', pkgDir: '/w/md', criterionHome: '/d/head' };
    expect(benchRunEnv(side, '/opt/lib')).toEqual({ CRITERION_HOME: '/d/head', CARGO_MANIFEST_DIR: '/w/md', LD_LIBRARY_PATH: '/t/release/deps:/opt/lib' });
    expect(benchRunEnv(side, undefined).LD_LIBRARY_PATH).toBe('/t/release/deps');
  });

  it('takes bench executables from cargo\'s compiler-artifact messages (test-mode bench targets of this package only)', () => {
    const exes = benchExecutables(jsonl, '/w/md/Cargo.toml');
    expect([...exes.keys()]).toEqual(['b']);
    expect(exes.get('b')).toMatch(/^\/w\/target\/release\/deps\/b-[0-9a-f]+$/);
    expect(benchExecutables(jsonl, '/elsewhere/Cargo.toml').size).toBe(0);
    expect(() => benchExecutables('{not json', '/w/md/Cargo.toml')).toThrow(CargoMessageError);
  });

  it('builds every bench in one cargo call and runs a binary as cargo bench does, pinned when asked', () => {
    expect(cargoBenchBuildArgs('md', ['a', 'b'])).toEqual(['bench', '-p', 'md', '--bench', 'a', '--bench', 'b', '--no-run', '--message-format=json-render-diagnostics']);
    expect(benchRunArgv({ executable: '/x/b-1', criterion: ['--sample-size', '10'] })).toEqual({
      file: '/x/b-1',
      args: ['--bench', '--noplot', '--nresamples', '2000', '--sample-size', '10'],
    });
    expect(benchRunArgv({ executable: '/x/b-1', criterion: [], cpu: 1 })).toEqual({ file: 'taskset', args: ['-c', '1', '/x/b-1', '--bench', '--noplot', '--nresamples', '2000'] });
  });

  it('splits bench targets into compared, new (head only) and removed (base only)', () => {
    expect(benchSides(['orderbook_bench', 'latency_bench'], ['orderbook_bench', 'old_bench'])).toEqual({
      both: ['orderbook_bench'],
      added: ['latency_bench'],
      removed: ['old_bench'],
    });
  });

  it('leaves the other benches\' roots out of an atomized bench\'s changes, keeping shared files and its own folder', () => {
    const pkg = {
      name: 'md',
      manifest_path: '/w/md/Cargo.toml',
      dependencies: [],
      targets: [
        { name: 'md', kind: ['lib'], src_path: '/w/md/src/lib.rs' },
        { name: 'orderbook', kind: ['bench'], src_path: '/w/md/benches/orderbook.rs' },
        { name: 'depth', kind: ['bench'], src_path: '/w/md/benches/depth/main.rs' },
      ],
    };
    expect(otherBenchRoots(pkg, ['orderbook'])).toEqual(['/w/md/benches/depth']);
    expect(otherBenchRoots(pkg, ['depth'])).toEqual(['/w/md/benches/orderbook.rs']);
    expect(otherBenchRoots(pkg, ['orderbook', 'depth'])).toEqual([]);
    const inputs = { dirs: ['/w/md', '/w/common'], files: ['/w/Cargo.lock'] };
    const changed = ['/w/md/benches/depth/main.rs', '/w/md/benches/depth/util.rs', '/w/md/benches/shared.rs', '/w/md/README.md', '/w/Cargo.lock', '/w/other/x.rs'];
    expect(affectingChanges(changed, inputs, otherBenchRoots(pkg, ['orderbook']))).toEqual(['/w/md/benches/shared.rs', '/w/Cargo.lock']);
    expect(affectingChanges(changed, inputs)).toEqual(['/w/md/benches/depth/main.rs', '/w/md/benches/depth/util.rs', '/w/md/benches/shared.rs', '/w/Cargo.lock']);
  });
});
