import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from '../../core/process/run';
import buildRelease from './executor';
import buildNative from '../build-native/executor';
import { captureConsole, createTinyWorkspace, type TinyWorkspace } from '../shared/__fixtures__/tiny-workspace';

// Real cargo on a tiny path-only workspace: the binary itself shows which rustflags reached rustc.
describe('build-release / build-native executors', () => {
  let ws: TinyWorkspace;
  const logs = captureConsole();
  const saved = { ...process.env };
  beforeAll(() => {
    ws = createTinyWorkspace({ userConfig: true });
    process.env.CARGO_TARGET_DIR = path.join(ws.root, 'target');
    delete process.env.RUSTFLAGS;
    delete process.env.CARGO_ENCODED_RUSTFLAGS;
  });
  afterAll(() => {
    process.env = saved;
    ws.cleanup();
  });
  const runBin = async (rel: string) => (await run(path.join(ws.root, rel), ['10'], { cwd: ws.root })).stdout.trim();

  test('build-release copies the binaries to outputPath, replacing stale ones, with config rustflags kept', async () => {
    ws.write('dist/rust/tiny-app/release/stale-binary', 'old');
    const r = await buildRelease({ cargoRoot: 'rust', package: 'tiny-app', profile: 'release', outputPath: 'dist/rust/tiny-app/release' }, ws.context('tiny-app'));
    expect(r.success).toBe(true);
    expect(fs.readdirSync(path.join(ws.root, 'dist/rust/tiny-app/release'))).toEqual(['build.json', 'tiny-app']);
    const readRecord = () => JSON.parse(fs.readFileSync(path.join(ws.root, 'dist/rust/tiny-app/release/build.json'), 'utf8')) as { profile: string; durationMs: number; compiled: boolean };
    const record = readRecord();
    expect(record.profile).toBe('release');
    expect(record.compiled).toBe(true);
    expect(record.durationMs).toBeGreaterThan(0);
    // An up-to-date rebuild compiles nothing: the record of the build that did compile stays.
    expect((await buildRelease({ cargoRoot: 'rust', package: 'tiny-app', profile: 'release', outputPath: 'dist/rust/tiny-app/release' }, ws.context('tiny-app'))).success).toBe(true);
    expect(readRecord()).toEqual(record);
    expect(await runBin('dist/rust/tiny-app/release/tiny-app')).toMatch(/ user_cfg no_avx2$/);
    expect(logs.join('\n')).toContain('dist/rust/tiny-app/release/tiny-app');
  });

  test('build-native adds target-cpu=native on top of the config flags, in its own target dir', async () => {
    const r = await buildNative({ cargoRoot: 'rust', package: 'tiny-app', outputPath: 'dist/rust/tiny-app/native' }, ws.context('tiny-app'));
    expect(r.success).toBe(true);
    const cpuHasAvx2 = fs.readFileSync('/proc/cpuinfo', 'utf8').includes(' avx2');
    expect(await runBin('dist/rust/tiny-app/native/tiny-app')).toMatch(new RegExp(` user_cfg ${cpuHasAvx2 ? 'avx2' : 'no_avx2'}$`));
    expect(logs.join('\n')).toMatch(/rustflags: --cfg user_cfg -Ctarget-cpu=native/);
    // The plain release build is still fresh: native did not thrash its cache.
    const again = await run('cargo', ['build', '--profile', 'release', '-p', 'tiny-app', '-v'], { cwd: ws.cargoRoot });
    expect(again.stderr).not.toMatch(/Compiling|Running `/);
    expect(again.stderr).toMatch(/Fresh tiny-app/);
  });

  test('user RUSTFLAGS win over config, as in cargo, with a warning', async () => {
    process.env.RUSTFLAGS = '--cfg other_cfg';
    try {
      const r = await buildRelease({ cargoRoot: 'rust', package: 'tiny-app', outputPath: 'dist/rf' }, ws.context('tiny-app'));
      expect(r.success).toBe(true);
      expect(logs.join('\n')).toMatch(/warning: RUSTFLAGS is set, so cargo ignores the rustflags in .*config.toml \[build\]/);
      expect(await runBin('dist/rf/tiny-app')).toMatch(/ no_user_cfg /);
    } finally {
      delete process.env.RUSTFLAGS;
    }
  });

  test('rejected extra args and compile errors fail the target with the reason', async () => {
    expect((await buildRelease({ cargoRoot: 'rust', package: 'tiny-app', extraArgs: ['--release'] }, ws.context('tiny-app'))).success).toBe(false);
    expect(logs.join('\n')).toMatch(/`--release` is not allowed: use the `profile` option/);
    expect((await buildRelease({ cargoRoot: 'nowhere', package: 'tiny-app' }, ws.context('tiny-app'))).success).toBe(false);
    expect(logs.join('\n')).toMatch(/nowhere\/Cargo.toml does not exist/);
    expect((await buildRelease({ cargoRoot: 'rust', package: 'no-such-package' }, ws.context('x'))).success).toBe(false);
  });
});
