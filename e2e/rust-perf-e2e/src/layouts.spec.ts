// Targets that are right on any layout (inference half). One tiny Cargo workspace whose
// binary crate is the Nx root itself (`[package]` + `[workspace]` in ./Cargo.toml), with a member
// library, an excluded crate and a build script without `rerun-if-changed`; `dist` is not in
// .gitignore (only the plugin is registered, init is not run).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HOST_CPU_ARGS } from '../../../packages/rust-perf/src/core/cargo/cpu-key';
import { cacheHit as hit, commitAll, createWorkspace, type TestWorkspace } from './harness';

const CACHED = /\[local cache\]|\[existing outputs match the cache, left as is\]/;

const FILES: Record<string, string> = {
  'Cargo.toml': `[package]
name = "rootapp"
version = "0.1.0"
edition = "2021"

[dependencies]
corelib = { path = "crates/corelib" }

[package.metadata.rust-perf]
workload = [{ bin = "rootapp", args = ["20000"] }]

[workspace]
members = ["crates/corelib"]
exclude = ["scratch"]
`,
  // No rerun-if-changed: cargo reruns it whenever a file of the package changes (cargo's default).
  'build.rs': 'fn main() {\n    println!("cargo:rustc-env=ROOTAPP_BUILT=1");\n}\n',
  'src/main.rs': `fn main() {
    let n: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    println!("{} {}", corelib::mix(n), env!("ROOTAPP_BUILT"));
}
`,
  'crates/corelib/Cargo.toml': '[package]\nname = "corelib"\nversion = "0.1.0"\nedition = "2021"\n',
  'crates/corelib/src/lib.rs': `pub fn mix(n: u64) -> u64 {
    (0..n).fold(0u64, |h, i| (h ^ i).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(7))
}
`,
  'scratch/Cargo.toml': '[package]\nname = "scratch"\nversion = "0.1.0"\nedition = "2021"\n',
  'scratch/src/lib.rs': '',
};

interface ProjectJson {
  root: string;
  namedInputs: Record<string, unknown[]>;
  targets: Record<string, { inputs?: unknown[] }>;
  metadata?: { 'rust-perf'?: { notes?: string[] } };
}

describe('layouts: a root crate, a member library, an excluded crate', () => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    ws = await createWorkspace({ example: false, registerPlugin: true, name: 'root crate' });
    for (const [rel, text] of Object.entries(FILES)) ws.write(rel, text);
    ws.write('.gitignore', 'node_modules\n.nx\ntarget\n');
    await ws.exec('cargo', ['generate-lockfile', '--offline']);
    await commitAll(ws, 'root crate');
  }, 600_000);
  afterAll(() => ws?.cleanup());

  const show = async (project: string) => JSON.parse((await ws.nx(['show', 'project', project, '--json'])).stdout) as ProjectJson;

  it('[infer-excluded-crate] a crate in [workspace] exclude is not a project; the root crate and the member are', async () => {
    const projects = JSON.parse((await ws.nx(['show', 'projects', '--json'])).stdout) as string[];
    expect(projects.filter((p) => ['rootapp', 'corelib', 'scratch'].includes(p)).sort()).toEqual(['corelib', 'rootapp']);
    expect((await show('rootapp')).root).toBe('.');
  });

  it('[infer-library-no-pgo] the library has no pgo-profile/build-pgo, and says its PGO happens through rootapp', async () => {
    const lib = await show('corelib');
    expect(Object.keys(lib.targets)).not.toContain('pgo-profile');
    expect(Object.keys(lib.targets)).not.toContain('build-pgo');
    expect(Object.keys(lib.targets)).toContain('build-release');
    expect(lib.metadata?.['rust-perf']?.notes?.join('\n')).toContain('nx run rootapp:build-pgo');
    expect(Object.keys((await show('rootapp')).targets)).toEqual(expect.arrayContaining(['pgo-profile', 'build-pgo', 'perf-report']));
  });

  it('[infer-root-crate-outputs] second build-release of the root crate is a cache hit (cargo does not run); with dist/ git-ignored cargo finds it Fresh', async () => {
    const root = await show('rootapp');
    // A root crate's sources are what its compile reads, named one by one: never the whole root, so never dist/, target/ or .nx/.
    expect(root.namedInputs.rustSources).toEqual(expect.arrayContaining(['{projectRoot}/src/**/*', '{projectRoot}/build.rs']));
    expect((root.namedInputs.rustSources as string[]).filter((p) => /^\{projectRoot\}\/(\*\*|dist|target|\.nx)/.test(p))).toEqual([]);
    const first = await ws.nx(['run', 'rootapp:build-release']);
    expect(first.stdout).not.toMatch(CACHED);
    expect(ws.exists('dist/rust/rootapp/release/rootapp')).toBe(true);
    const second = await ws.nx(['run', 'rootapp:build-release']);
    // A hit replays the first run's output; the task itself (and so cargo) did not run.
    expect(hit(second.stdout, 'rootapp:build-release')).toBe(true);

    // Cargo's own rule, not Nx's: a build script without rerun-if-changed reruns when any file of the
    // package is newer, and a package's files are those git does not ignore, so a copied binary in
    // an unignored dist/ recompiles the crate whenever cargo does run (a miss, --skip-nx-cache).
    const verbose = { CARGO_TERM_VERBOSE: 'true' };
    const unignored = await ws.nx(['run', 'rootapp:build-release', '--skip-nx-cache'], { env: verbose });
    expect(unignored.stdout + unignored.stderr).toMatch(/Dirty rootapp v0\.1\.0 .*the precalculated components changed/);
    ws.write('.gitignore', 'node_modules\n.nx\ntarget\n/dist\n');
    await ws.nx(['run', 'rootapp:build-release', '--skip-nx-cache']);
    const ignored = await ws.nx(['run', 'rootapp:build-release', '--skip-nx-cache'], { env: verbose });
    expect(ignored.stdout + ignored.stderr).toMatch(/Fresh rootapp v0\.1\.0/);
    expect(ignored.stdout + ignored.stderr).not.toMatch(/Compiling rootapp/);
  });

  it('[infer-native-cpu-key] with target-cpu=native in .cargo/config.toml, build-release and build-pgo miss on another CPU and hit again on this one', async () => {
    ws.write('.cargo/config.toml', '[build]\nrustflags = ["-C", "target-cpu=native"]\n');
    const tasks = ['rootapp:build-release', 'rootapp:build-pgo'];
    const runBoth = (env?: Record<string, string>) => ws.nx(['run-many', '-t', 'build-release', 'build-pgo', '-p', 'rootapp'], { env });
    await runBoth();
    const again = await runBoth();
    for (const t of tasks) expect([t, hit(again.stdout, t)]).toEqual([t, true]);

    // Another CPU, as rustc's native detection would report it: a `rustc` first on PATH that
    // answers the CPU-identity query for a Haswell and passes everything else to the real rustc.
    const realRustc = (await ws.exec('rustup', ['which', 'rustc'], { allowFailure: true })).stdout.trim() || (await ws.exec('which', ['rustc'])).stdout.trim();
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'layout-haswell-'));
    try {
      const query = HOST_CPU_ARGS.join(' ');
      fs.writeFileSync(
        path.join(bin, 'rustc'),
        `#!/bin/sh\nif [ "$*" = "${query}" ]; then exec "${realRustc}" ${HOST_CPU_ARGS.map((a) => (a === 'target-cpu=native' ? 'target-cpu=haswell' : a)).join(' ')}; fi\nexec "${realRustc}" "$@"\n`,
        { mode: 0o755 },
      );
      const haswell = await runBoth({ PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` });
      for (const t of tasks) expect([t, hit(haswell.stdout, t)]).toEqual([t, false]);
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
    const back = await runBoth();
    for (const t of tasks) expect([t, hit(back.stdout, t)]).toEqual([t, true]);
  });
});
