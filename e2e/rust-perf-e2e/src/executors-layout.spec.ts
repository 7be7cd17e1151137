// Any layout, executor half: flamegraph in a workspace whose .cargo/config.toml says `[net] offline = true`
// (inferno is installed outside that config, or found), running the binary with its workload's args; and
// a binary that needs args with no workload stops with the option to set (before the build when an earlier
// build can be asked). Two tiny crates, no dependencies, so the builds take seconds.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createWorkspace, sharedTargetDir, type TestWorkspace } from './harness';

const MAIN = `use std::hint::black_box;

// Exits 2 without arguments, like a CLI that needs a pattern; with \`--spin N\` it burns CPU for the profile.
#[inline(never)]
fn spin_work(n: u64) -> u64 {
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for i in 0..n {
        x = black_box(x.rotate_left(7) ^ i.wrapping_mul(0x2545_f491_4f6c_dd1d));
    }
    x
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() != 2 || args[0] != "--spin" {
        eprintln!("error: requires --spin <iterations>");
        std::process::exit(2);
    }
    let n: u64 = args[1].parse().expect("a number");
    println!("{}", spin_work(n));
}
`;

function crate(ws: TestWorkspace, name: string, metadata: string): void {
  ws.write(`rust/${name}/Cargo.toml`, `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n${metadata}`);
  ws.write(`rust/${name}/src/main.rs`, MAIN);
}

describe('executors on any layout', () => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    ws = await createWorkspace({ example: false, registerPlugin: true });
    ws.write('rust/Cargo.toml', '[workspace]\nmembers = ["spinner", "bare"]\nresolver = "2"\n');
    // The user's offline setting: a `cargo install` run inside this workspace would fail to reach crates.io.
    ws.write('rust/.cargo/config.toml', '[net]\noffline = true\n');
    crate(ws, 'spinner', '\n[package.metadata.rust-perf]\nworkload = [{ bin = "spinner", args = ["--spin", "300000000"] }]\n');
    crate(ws, 'bare', '');
  }, 600_000);
  afterAll(() => ws?.cleanup());

  test('flamegraph with no args runs the workload command, in an offline workspace [exec-inferno-install-offline-config] [exec-flamegraph-workload-args]', async () => {
    const r = await ws.nx(['run', 'spinner:flamegraph']);
    const out = r.stdout + r.stderr;
    expect(out).toContain("bin spinner runs with the workload's args");
    expect(out).toContain('spinner --spin 300000000');
    // Named where the user wrote it (inference copies it into pgo-profile's option).
    expect(out).toContain(`${path.join(ws.root, 'rust', 'spinner', 'Cargo.toml')} [package.metadata.rust-perf]`);
    // When inferno had to be installed, cargo ran outside the workspace (so [net] offline did not apply).
    const install = /installing it once \(from (.+?), outside/.exec(out);
    if (install) expect(path.relative(ws.root, install[1]).startsWith('..')).toBe(true);
    const svg = ws.read('dist/flamegraph/spinner/spinner.svg');
    expect(svg).toMatch(/spinner::spin_work/);
    // Counts are samples (one per sample), not cpu-clock nanoseconds: no more than perf recorded.
    const folded = ws.read('dist/flamegraph/spinner/spinner.folded');
    const counted = folded.trim().split('\n').reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    const recorded = Number(/wrote .*\((\d+) samples\)/.exec(out)?.[1]);
    expect(counted).toBeGreaterThan(0);
    expect(counted).toBeLessThanOrEqual(recorded);
  }, 1_200_000);

  test('a binary that needs args and has no workload: the option to set, before the build once one exists [exec-flamegraph-needs-args]', async () => {
    // No earlier build (the target dir is shared across runs): it is built, recorded, and the failed run names the fix.
    for (const dir of ['release', 'debug', 'profiling']) fs.rmSync(path.join(sharedTargetDir, dir, 'bare'), { force: true });
    const first = await ws.nx(['run', 'bare:flamegraph'], { allowFailure: true });
    expect(first.exitCode).not.toBe(0);
    expect(first.stdout + first.stderr).toContain('no args and no workload for bin bare: it will run without arguments');
    expect(first.stdout + first.stderr).toContain('exited with code 2; perf\'s and the program\'s messages are above. It ran without arguments; if it needs some: Tell flamegraph what to run');
    const second = await ws.nx(['run', 'bare:flamegraph'], { allowFailure: true });
    const out = second.stdout + second.stderr;
    expect(second.exitCode).not.toBe(0);
    expect(out).toContain('bare exits with code 2 when run without arguments');
    expect(out).toContain('"error: requires --spin <iterations>"');
    expect(out).toContain('nx run bare:flamegraph --args=<first> --args=<second>');
    expect(out).toContain('workload = [{ bin = "bare"');
    // Stopped before the profiling build and before perf.
    expect(out).not.toMatch(/\] cargo build --profile/);
    expect(out).not.toMatch(/\] perf record/);
    expect(fs.existsSync(path.join(ws.root, 'dist/flamegraph/bare'))).toBe(false);
  }, 1_200_000);
});
