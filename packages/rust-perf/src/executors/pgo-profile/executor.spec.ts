import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from '../../core/process/run';
import pgoProfile from './executor';
import buildPgo from '../build-pgo/executor';
import { captureConsole, createTinyWorkspace, type TinyWorkspace } from '../shared/__fixtures__/tiny-workspace';

// The real pipeline (instrument → run → llvm-profdata merge → -Cprofile-use) on a tiny workspace.
describe('pgo-profile + build-pgo executors', () => {
  let ws: TinyWorkspace;
  const logs = captureConsole();
  const saved = { ...process.env };
  beforeAll(() => {
    ws = createTinyWorkspace();
    process.env.CARGO_TARGET_DIR = path.join(ws.root, 'target');
  });
  afterAll(() => {
    process.env = saved;
    ws.cleanup();
  });
  const opts = { cargoRoot: 'rust', package: 'tiny-app', outputPath: 'dist/pgo/tiny-app' };

  test('publishes one merged .profdata, then build-pgo uses it', async () => {
    const r = await pgoProfile({ ...opts, workload: [{ bin: 'tiny-app', args: ['20000'] }] }, ws.context('tiny-app'));
    expect(logs.join('\n')).toMatch(/▸ \[pgo 3\/4\] workload/);
    expect(r.success).toBe(true);
    // No features given or required: no pgo.json, the profile alone.
    expect(fs.readdirSync(path.join(ws.root, 'dist/pgo/tiny-app'))).toEqual(['tiny-app.profdata']);
    const profdata = path.join(ws.root, 'dist/pgo/tiny-app/tiny-app.profdata');
    expect(fs.statSync(profdata).size).toBeGreaterThan(0);
    expect(logs.join('\n')).toMatch(/functions recorded, \d+ executed/);
    // No per-run raw profiles are left behind.
    expect(fs.readdirSync(path.join(ws.root, 'target/rust-perf/pgo/profraw/tiny-app'))).toEqual([]);

    const b = await buildPgo({ cargoRoot: 'rust', package: 'tiny-app', profile: 'release', profdata: 'dist/pgo/tiny-app/tiny-app.profdata', outputPath: 'dist/rust/tiny-app/pgo' }, ws.context('tiny-app'));
    expect(b.success).toBe(true);
    expect(logs.join('\n')).toMatch(/-Cprofile-use=.*rust-perf\/pgo\/profdata\/[0-9a-f]{16}\.profdata/);
    expect(logs.join('\n')).toMatch(/PGO coverage: profile has records for \d+ functions/);
    const out = await run(path.join(ws.root, 'dist/rust/tiny-app/pgo/tiny-app'), ['10'], { cwd: ws.root });
    expect(out.stdout).toMatch(/^acc=\d+/);
  });

  test('a failing workload fails the target and publishes nothing; allowWorkloadFailure merges anyway', async () => {
    fs.rmSync(path.join(ws.root, 'dist/pgo/tiny-app'), { recursive: true, force: true });
    const r = await pgoProfile({ ...opts, workload: [{ bin: 'tiny-app', args: ['--fail'] }] }, ws.context('tiny-app'));
    expect(r.success).toBe(false);
    expect(logs.join('\n')).toMatch(/workload `.*tiny-app --fail` exited with code 3; fix it or set allowWorkloadFailure/);
    expect(fs.existsSync(path.join(ws.root, 'dist/pgo/tiny-app'))).toBe(false);
    // std::process::exit runs atexit handlers, so LLVM's runtime still writes this profile.
    const allowed = await pgoProfile({ ...opts, allowWorkloadFailure: true, workload: [{ bin: 'tiny-app', args: ['--fail'] }] }, ws.context('tiny-app'));
    expect(allowed.success).toBe(true);
  });

  test('a workload that writes no profile fails naming it', async () => {
    const r = await pgoProfile({ ...opts, workload: [{ command: ['true'] }] }, ws.context('tiny-app'));
    expect(r.success).toBe(false);
    expect(logs.join('\n')).toMatch(/No .profraw files were written to .*\nWorkload: true/);
  });

  test('no workload and no benches: names the manifest and the table to add', async () => {
    const r = await pgoProfile(opts, ws.context('tiny-app'));
    expect(r.success).toBe(false);
    expect(logs.join('\n')).toMatch(/tiny-app\/Cargo.toml has no \[package.metadata.rust-perf\] workload/);
  });

  test('build-pgo without a profile says to run pgo-profile', async () => {
    const r = await buildPgo({ cargoRoot: 'rust', package: 'tiny-app', profdata: 'dist/none.profdata' }, ws.context('tiny-app'));
    expect(r.success).toBe(false);
    expect(logs.join('\n')).toMatch(/run `nx run tiny-app:pgo-profile` first/);
  });

  test('a workload binary with required-features is profiled and optimized with them on [exec-pgo-required-features]', async () => {
    // As OrderBook-rs's examples: cargo refuses `--bin turbo-app` without the feature ("requires the features: `turbo`").
    ws.write(
      'rust/tiny-app/Cargo.toml',
      '[package]\nname = "tiny-app"\nversion = "0.1.0"\nedition = "2021"\n\n[features]\nturbo = []\n\n[dependencies]\ntiny-core = { path = "../tiny-core" }\n\n' +
        '[[bin]]\nname = "turbo-app"\npath = "src/bin/turbo.rs"\nrequired-features = ["turbo"]\n\n[lints.rust]\nunexpected_cfgs = { level = "allow" }\n',
    );
    ws.write('rust/tiny-app/src/bin/turbo.rs', 'fn main() { let n: u64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(10); println!("turbo={} {}", (0..n).map(tiny_core::mix).fold(0u64, u64::wrapping_add), cfg!(feature = "turbo")); }\n');
    const r = await pgoProfile({ ...opts, workload: [{ bin: 'turbo-app', args: ['20000'] }] }, ws.context('tiny-app'));
    expect(logs.join('\n')).toContain('building with --features turbo (bin turbo-app has required-features = ["turbo"])');
    expect(r.success).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(ws.root, 'dist/pgo/tiny-app/pgo.json'), 'utf8'))).toEqual({ features: ['turbo'] });

    logs.length = 0;
    const b = await buildPgo({ cargoRoot: 'rust', package: 'tiny-app', profile: 'release', profdata: 'dist/pgo/tiny-app/tiny-app.profdata', outputPath: 'dist/rust/tiny-app/pgo' }, ws.context('tiny-app'));
    expect(b.success).toBe(true);
    expect(logs.join('\n')).toContain('building with --features turbo (turbo as the profile was recorded with, dist/pgo/tiny-app/pgo.json)');
    expect(logs.join('\n')).toMatch(/--features turbo/);
    const out = await run(path.join(ws.root, 'dist/rust/tiny-app/pgo/turbo-app'), ['10'], { cwd: ws.root });
    expect(out.stdout).toMatch(/^turbo=\d+ true/);
  });
});
