// The fault catalogue, build executor cases on real cargo, in a workspace whose path has spaces and quotes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from '../core/process/run';
import buildRelease from '../executors/build-release/executor';
import buildNative from '../executors/build-native/executor';
import { captureConsole, hashTree, tempDir } from './__fixtures__/fixtures';
import { createFaultWorkspace, type FaultWorkspace } from './__fixtures__/fault-workspace';

let ws: FaultWorkspace;
let targetDir: string;
const saved = { ...process.env };
let out: { text(): string };
let streamed: string[];

beforeAll(async () => {
  ws = createFaultWorkspace();
  // cargo writes Cargo.lock on its first run; create it now so the tests see only rust-perf's writes.
  await run('cargo', ['generate-lockfile', '--offline'], { cwd: path.join(ws.root, 'rust') });
  targetDir = path.join(tempDir('rp-rel-target '), 'target dir');
  process.env.CARGO_TARGET_DIR = targetDir;
  delete process.env.RUSTFLAGS;
  delete process.env.CARGO_ENCODED_RUSTFLAGS;
});
afterAll(() => {
  process.env = saved;
  ws.cleanup();
  fs.rmSync(path.dirname(targetDir), { recursive: true, force: true });
});
beforeEach(() => {
  out = captureConsole();
  streamed = [];
  // cargo's own output is piped to our stderr (echo): keep a copy to check it passes through.
  jest.spyOn(process.stderr, 'write').mockImplementation(((chunk: string | Uint8Array) => {
    streamed.push(String(chunk));
    return true;
  }) as typeof process.stderr.write);
});
afterEach(() => jest.restoreAllMocks());

const release = (extra: Record<string, unknown> = {}, project = 'fault-app') =>
  buildRelease({ cargoRoot: 'rust', package: project, outputPath: `dist/rust/${project}/release`, ...extra }, ws.context(project));

describe('build executors: faults', () => {
  it('[exec-workspace-path-spaces] [exec-cargo-target-dir] builds in a path with spaces; binaries come from CARGO_TARGET_DIR; only outputPath is written', async () => {
    const before = hashTree(ws.root);
    expect((await release()).success).toBe(true);
    expect(fs.existsSync(path.join(targetDir, 'release', 'fault-app'))).toBe(true);
    expect(fs.existsSync(path.join(ws.root, 'rust', 'target'))).toBe(false);
    const after = hashTree(ws.root);
    const changed = Object.keys(after).filter((f) => after[f] !== before[f]);
    expect(changed.sort()).toEqual(['dist/rust/fault-app/release/build.json', 'dist/rust/fault-app/release/fault-app']);
    expect(Object.keys(before).every((f) => after[f] === before[f])).toBe(true);
    const r = await run(path.join(ws.root, 'dist/rust/fault-app/release/fault-app'), [], { cwd: ws.root });
    expect(r.stdout).toMatch(/^acc=\d+/);
  });

  it('[exec-compile-error] a compile error fails with cargo\'s message passed through; no output is published', async () => {
    const before = hashTree(ws.root);
    const r = await release({}, 'broken');
    expect(r.success).toBe(false);
    const all = streamed.join('') + out.text();
    expect(all).toMatch(/error\[E0308\]: mismatched types/);
    expect(all).toMatch(/broken\/src\/main\.rs:2:18/);
    expect(out.text()).toMatch(/cargo build .* exited with code 101|exit code 101|code 101/);
    expect(fs.existsSync(path.join(ws.root, 'dist/rust/broken'))).toBe(false);
    expect(hashTree(ws.root)).toEqual(before);
  });

  it('[exec-cargo-missing] cargo missing from PATH: names cargo and the rustup fix', async () => {
    const before = hashTree(ws.root);
    const emptyBin = tempDir('rp-rel-nobin-');
    process.env.PATH = emptyBin;
    try {
      expect((await release({ outputPath: 'dist/no-cargo' })).success).toBe(false);
    } finally {
      process.env.PATH = saved.PATH;
      fs.rmSync(emptyBin, { recursive: true, force: true });
    }
    // build-release asks rustc for the host first; either way the message names the program and the fix.
    expect(out.text()).toMatch(/^(cargo|rustc) was not found on PATH\. Fix: install Rust with rustup \(rustup toolchain install stable\) and make sure ~\/\.cargo\/bin is on PATH$/m);
    expect(out.text()).toContain('was not found on PATH. Fix: install Rust with rustup (rustup toolchain install stable) and make sure ~/.cargo/bin is on PATH');
    expect(hashTree(ws.root)).toEqual(before);
  });

  it('[exec-encoded-rustflags] CARGO_ENCODED_RUSTFLAGS is kept (and wins over RUSTFLAGS, as in cargo) when build-native adds its flag', async () => {
    process.env.CARGO_ENCODED_RUSTFLAGS = ['--cfg', 'enc_cfg'].join('\x1f');
    process.env.RUSTFLAGS = '--cfg ignored_cfg';
    try {
      expect((await buildNative({ cargoRoot: 'rust', package: 'fault-app', outputPath: 'dist/rust/fault-app/native' }, ws.context())).success).toBe(true);
    } finally {
      delete process.env.CARGO_ENCODED_RUSTFLAGS;
      delete process.env.RUSTFLAGS;
    }
    expect(out.text()).toMatch(/rustflags: --cfg enc_cfg -Ctarget-cpu=native/);
    const r = await run(path.join(ws.root, 'dist/rust/fault-app/native/fault-app'), ['--cfg'], { cwd: ws.root });
    expect(r.stdout).toContain('\nenc_cfg\n');
  });

  it.each([['.'], ['..'], ['rust'], ['/tmp/elsewhere']])('[sec-writes-inside-workspace] outputPath %p is refused before anything runs', async (outputPath) => {
    const before = hashTree(ws.root);
    expect((await release({ outputPath })).success).toBe(false);
    expect(out.text()).toMatch(new RegExp(`outputPath "${outputPath.replace(/\./g, '\\.')}" .*rust-perf replaces its output folder whole\\. Fix: set outputPath to a folder of its own inside the workspace, e.g\\. dist/rust/fault-app/release\\.`));
    expect(hashTree(ws.root)).toEqual(before);
    expect(fs.existsSync('/tmp/elsewhere')).toBe(false);
  });
});
