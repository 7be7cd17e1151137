// init on a repository shaped like the real repositories': a ROOT binary crate ([package] and
// [workspace] in the Nx-root Cargo.toml) with a build script that emits no rerun-if-changed, a member
// library, `debug = 1` kept on purpose in [profile.release], and a static-musl target table of the
// user's own. Cargo itself is the judge: `cargo build -v` prints each rustc line with its flags.
import * as path from 'node:path';
import { createWorkspace, commitAll, sharedTargetDir, type TestWorkspace } from './harness';

const CARGO_TOML = `[package]
name = "rp-cli"
version = "0.1.0"
edition = "2021"
build = "build.rs"

[dependencies]
rp-core = { path = "core" }

[workspace]
members = ["core"]

# Line tables in shipped binaries, on purpose (panics and perf need file:line).
[profile.release]
debug = 1

[profile.deb]
inherits = "release"
`;

const MUSL_TABLE = `# Static binaries for the Alpine image.
[target.x86_64-unknown-linux-musl]
rustflags = ["-C", "target-feature=+crt-static"]
`;

const rustcLines = (stderr: string, crate: string) => stderr.split('\n').filter((l) => l.includes('Running') && l.includes(`--crate-name ${crate} `));

describe('init on a root binary crate with its own profile and musl table', () => {
  let ws: TestWorkspace;
  let firstInit = '';
  beforeAll(async () => {
    ws = await createWorkspace({ example: false, name: 'cli-root' });
    ws.write('Cargo.toml', CARGO_TOML);
    // A build script with no rerun-if-changed: cargo reruns it when any unignored package file changes.
    ws.write('build.rs', 'fn main() {\n    println!("cargo:rustc-env=RP_BUILT=1");\n}\n');
    ws.write('src/main.rs', 'fn main() {\n    let n: u64 = std::env::args().count() as u64;\n    println!("{} {}", env!("RP_BUILT"), rp_core::mix(n));\n}\n');
    ws.write('core/Cargo.toml', '[package]\nname = "rp-core"\nversion = "0.1.0"\nedition = "2021"\n');
    ws.write('core/src/lib.rs', 'pub fn mix(x: u64) -> u64 {\n    x.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17)\n}\n');
    ws.write('.cargo/config.toml', MUSL_TABLE);
    // A repository that does not ignore dist/ yet.
    ws.write('.gitignore', 'node_modules\n.nx\ntarget\n');
    await commitAll(ws, 'a CLI with a root crate');
  });
  afterAll(() => ws?.cleanup());

  it('[gen-intent-groups] default init: portable, exclusive of the musl table, debug kept, no dependencies, dist/ ignored; a second run changes nothing', async () => {
    const r = await ws.nx(['g', 'rust-perf:init', '--no-interactive']);
    firstInit = r.stdout + r.stderr;
    expect(firstInit).toContain('kept debug = 1 in Cargo.toml [profile.release], so strip is not set');
    expect(firstInit).toContain('added /dist/ to .gitignore');
    expect(firstInit).not.toContain('--cpu native:');
    const manifest = ws.read('Cargo.toml');
    expect(manifest).not.toContain('[workspace.dependencies]');
    expect(manifest).toMatch(/\[profile\.release\]\ndebug = 1\n/);
    expect(manifest).toContain('[profile.deb]\ninherits = "release"\n');
    const config = ws.read('.cargo/config.toml');
    expect(config.startsWith(MUSL_TABLE)).toBe(true);
    expect(config).not.toContain('target-cpu');
    expect(ws.read('.gitignore')).toMatch(/^\/dist\/$/m);
    expect((await ws.exec('git', ['check-ignore', '-q', 'dist/rust/rp-cli/release/rp-cli'], { allowFailure: true })).exitCode).toBe(0);

    await commitAll(ws, 'init');
    await ws.nx(['g', 'rust-perf:init', '--no-interactive']);
    expect((await ws.exec('git', ['status', '--porcelain'])).stdout).toBe('');
  });

  it('[gen-joined-target-tables] cargo: release build has no target-cpu=native and keeps .debug_line; the musl build gets only the user\'s +crt-static', async () => {
    const release = await ws.exec('cargo', ['build', '--release', '-v'], { timeoutMs: 20 * 60_000 });
    const lines = [...rustcLines(release.stderr, 'rp_cli'), ...rustcLines(release.stderr, 'rp_core')];
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const l of lines) expect(l).not.toContain('target-cpu');
    // init commits no linker flag by default (mold is installed here, a teammate's machine may lack it).
    for (const l of lines) expect(l).not.toContain('fuse-ld');
    const sections = await ws.exec('readelf', ['-S', '-W', path.join(sharedTargetDir, 'release', 'rp-cli')]);
    expect(sections.stdout).toContain('.debug_line');
    expect((await ws.exec(path.join(sharedTargetDir, 'release', 'rp-cli'), [])).stdout.trim()).toMatch(/^1 \d+$/);

    // No musl std here: the build fails after cargo printed the first musl rustc line, which is all we need.
    const musl = await ws.exec('cargo', ['build', '-v', '--target', 'x86_64-unknown-linux-musl'], { allowFailure: true, timeoutMs: 10 * 60_000 });
    const muslLines = musl.stderr.split('\n').filter((l) => l.includes('Running') && l.includes('--target x86_64-unknown-linux-musl'));
    expect(muslLines.length).toBeGreaterThan(0);
    for (const l of muslLines) {
      expect(l).toContain('target-feature=+crt-static');
      expect(l).not.toMatch(/target-cpu|fuse-ld/);
    }
  });

  it('[gen-dependency-merge] init --deps keeps tokio\'s own features and default-features; --force unions the features', async () => {
    ws.write('Cargo.toml', `${ws.read('Cargo.toml')}\n[workspace.dependencies]\ntokio = { version = "1.38", default-features = false, features = ["signal"] }\n`);
    await ws.nx(['g', 'rust-perf:init', '--deps', '--skipConfig', '--skipProfiles', '--no-interactive']);
    let manifest = ws.read('Cargo.toml');
    expect(manifest).toContain('tokio = { version = "1.38", default-features = false, features = ["signal"] }\n');
    expect(manifest).toContain('simd-json = "0.19"');
    const forced = await ws.nx(['g', 'rust-perf:init', '--deps', '--force', '--skipConfig', '--skipProfiles', '--no-interactive']);
    manifest = ws.read('Cargo.toml');
    expect(manifest).toContain('tokio = { version = "1.38", default-features = false, features = ["signal", "rt-multi-thread", "macros", "sync", "time", "net"] }\n');
    expect(forced.stdout + forced.stderr).toContain('merged tokio in Cargo.toml [workspace.dependencies]: features + "rt-multi-thread", "macros", "sync", "time", "net"; kept your version = "1.38"');
    await ws.exec('cargo', ['metadata', '--format-version', '1', '--no-deps', '--offline']);
  });
});

describe('init --cpu native on the example', () => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    ws = await createWorkspace();
  });
  afterAll(() => ws?.cleanup());

  it('[gen-native-warning] prints the warning once; the example still builds and runs', async () => {
    const r = await ws.nx(['g', 'rust-perf:init', '--cpu=native', '--no-interactive']);
    const out = r.stdout + r.stderr;
    expect(out.split('--cpu native: every build from this .cargo/config.toml, CI artifacts included').length - 1).toBe(1);
    expect(out).toContain('build-native target, whose cache key carries the CPU');
    // Touched so cargo recompiles market-data and prints its rustc line even when the shared target dir is warm.
    await ws.exec('touch', [path.join(ws.cargoRoot, 'market-data/src/main.rs')]);
    const build = await ws.exec('cargo', ['build', '--release', '-v', '-p', 'market-data'], { cwd: ws.cargoRoot, timeoutMs: 30 * 60_000 });
    expect(rustcLines(build.stderr, 'market_data').join('\n')).toContain('target-cpu=native');
    const ran = await ws.exec(path.join(sharedTargetDir, 'release', 'market-data'), ['--synthetic', '20000']);
    expect(ran.stdout.length).toBeGreaterThan(0);
  });
});
