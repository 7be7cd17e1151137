import { cargoBuildArgv, checkExtraArgs, parseArtifacts, resolveTargetDir, type CargoBuildArgs } from './build';

describe('cargoBuildArgv', () => {
  const base: CargoBuildArgs = { package: 'market-data', profile: 'release' };
  test.each<[string, Partial<CargoBuildArgs>, string[]]>([
    ['minimal', {}, ['build', '--profile', 'release', '-p', 'market-data']],
    ['custom profile', { profile: 'production' }, ['build', '--profile', 'production', '-p', 'market-data']],
    ['features as array', { features: ['simd', 'serde'] }, ['build', '--profile', 'release', '-p', 'market-data', '--features', 'simd,serde']],
    ['features as string', { features: 'simd serde' }, ['build', '--profile', 'release', '-p', 'market-data', '--features', 'simd,serde']],
    ['all/no-default features', { allFeatures: true, noDefaultFeatures: true }, ['build', '--profile', 'release', '-p', 'market-data', '--all-features', '--no-default-features']],
    ['bins and benches', { bins: ['a', 'b'], benches: ['x'] }, ['build', '--profile', 'release', '-p', 'market-data', '--bin', 'a', '--bin', 'b', '--bench', 'x']],
    ['all benches', { allBenches: true }, ['build', '--profile', 'release', '-p', 'market-data', '--benches']],
    ['locked + target + json', { locked: true, target: 'x86_64-unknown-linux-gnu', json: true }, ['build', '--profile', 'release', '-p', 'market-data', '--target', 'x86_64-unknown-linux-gnu', '--locked', '--message-format=json-render-diagnostics']],
    ['frozen wins over locked', { locked: true, frozen: true }, ['build', '--profile', 'release', '-p', 'market-data', '--frozen']],
    ['extra args last', { extraArgs: ['-j', '1', '--timings'] }, ['build', '--profile', 'release', '-p', 'market-data', '-j', '1', '--timings']],
  ])('%s', (_name, o, argv) => expect(cargoBuildArgv({ ...base, ...o })).toEqual(argv));

  test.each([
    ['--message-format=json'],
    ['--message-format'],
    ['--release'],
    ['--profile=dev'],
    ['-p'],
    ['-pother'],
    ['--workspace'],
    ['--target-dir'],
    ['--manifest-path=x/Cargo.toml'],
    ['--target'],
    ['--features=x'],
    ['--locked'],
  ])('rejects extra arg %s', (arg) => expect(() => checkExtraArgs([arg])).toThrow(/is not allowed/));
  test('rejects --config that sets rustflags, allows other --config', () => {
    expect(() => checkExtraArgs(['--config', 'build.rustflags=["-Cx"]'])).toThrow(/rustflags/);
    expect(() => checkExtraArgs(['--config=target.x.rustflags=[]'])).toThrow(/rustflags/);
    expect(() => checkExtraArgs(['--config', 'profile.release.debug=true'])).not.toThrow();
  });
  test('requires package and profile', () => {
    expect(() => cargoBuildArgv({ package: '', profile: 'release' })).toThrow(/package/);
    expect(() => cargoBuildArgv({ package: 'p', profile: '' })).toThrow(/profile/);
  });
});

describe('parseArtifacts', () => {
  const msg = (o: object) => JSON.stringify({ reason: 'compiler-artifact', package_id: 'path+file:///w/md#0.1.0', manifest_path: '/w/md/Cargo.toml', ...o });
  test('keeps executables with their kind, skips libraries and other messages', () => {
    const stdout = [
      msg({ target: { name: 'md', kind: ['lib'] }, executable: null }),
      msg({ target: { name: 'market-data', kind: ['bin'] }, profile: { test: false }, executable: '/t/release/market-data' }),
      msg({ target: { name: 'orderbook_bench', kind: ['bench'] }, profile: { test: true }, executable: '/t/release/deps/orderbook_bench-abc' }),
      JSON.stringify({ reason: 'build-finished', success: true }),
      'not json',
    ].join('\n');
    expect(parseArtifacts(stdout)).toEqual([
      { name: 'market-data', kind: 'bin', executable: '/t/release/market-data', manifestPath: '/w/md/Cargo.toml', packageId: 'path+file:///w/md#0.1.0' },
      { name: 'orderbook_bench', kind: 'bench', executable: '/t/release/deps/orderbook_bench-abc', manifestPath: '/w/md/Cargo.toml', packageId: 'path+file:///w/md#0.1.0' },
    ]);
  });
});

describe('resolveTargetDir', () => {
  test.each<[string, NodeJS.ProcessEnv, Array<{ file: string; table: Record<string, unknown> }>, string]>([
    ['default', {}, [], '/w/rust/target'],
    ['CARGO_TARGET_DIR relative to cargo root', { CARGO_TARGET_DIR: 'out' }, [], '/w/rust/out'],
    ['CARGO_TARGET_DIR absolute', { CARGO_TARGET_DIR: '/tmp/t' }, [], '/tmp/t'],
    ['config target-dir relative to the folder holding .cargo', {}, [{ file: '/w/.cargo/config.toml', table: { build: { 'target-dir': 'tgt' } } }], '/w/tgt'],
    ['env beats config', { CARGO_BUILD_TARGET_DIR: '/e' }, [{ file: '/w/.cargo/config.toml', table: { build: { 'target-dir': 'tgt' } } }], '/e'],
  ])('%s', (_n, env, configs, expected) => expect(resolveTargetDir('/w/rust', env, configs)).toBe(expected));
});
