// A two-crate Cargo workspace (no registry deps, so cargo works offline) for executor tests.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';

export interface TinyWorkspace {
  root: string;
  cargoRoot: string;
  context(project: string): ExecutorContext;
  write(rel: string, text: string): void;
  cleanup(): void;
}

const MAIN = `
fn classify(x: u64) -> u64 {
    if x % 7 == 0 { x / 7 } else if x % 3 == 0 { x * 3 + 1 } else { x ^ 0x55 }
}
fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--fail") { std::process::exit(3); }
    let n: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let mut acc = 0u64;
    for i in 0..n { acc = acc.wrapping_add(tiny_core::mix(classify(i))); }
    let cfg = if cfg!(user_cfg) { "user_cfg" } else { "no_user_cfg" };
    let avx2 = if cfg!(target_feature = "avx2") { "avx2" } else { "no_avx2" };
    println!("acc={acc} {cfg} {avx2}");
}
`;

export function createTinyWorkspace(opts: { userConfig?: boolean } = {}): TinyWorkspace {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-tiny-'));
  const cargoRoot = path.join(root, 'rust');
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };
  write('rust/Cargo.toml', '[workspace]\nmembers = ["tiny-core", "tiny-app"]\nresolver = "2"\n');
  write('rust/tiny-core/Cargo.toml', '[package]\nname = "tiny-core"\nversion = "0.1.0"\nedition = "2021"\n');
  write('rust/tiny-core/src/lib.rs', 'pub fn mix(x: u64) -> u64 { if x & 1 == 1 { x.rotate_left(5) } else { x.wrapping_mul(31) } }\n');
  write(
    'rust/tiny-app/Cargo.toml',
    '[package]\nname = "tiny-app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\ntiny-core = { path = "../tiny-core" }\n\n[lints.rust]\nunexpected_cfgs = { level = "allow" }\n',
  );
  write('rust/tiny-app/src/main.rs', MAIN);
  if (opts.userConfig) write('rust/.cargo/config.toml', '[build]\nrustflags = ["--cfg", "user_cfg"]\n');
  return {
    root,
    cargoRoot,
    write,
    context: (project) => ({ root, projectName: project, cwd: root, isVerbose: false }) as unknown as ExecutorContext,
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

/** What the executor printed in the current test (console.log and console.error), in order. */
export function captureConsole(): string[] {
  const lines: string[] = [];
  beforeEach(() => {
    lines.length = 0;
    jest.spyOn(console, 'log').mockImplementation((m: string) => void lines.push(String(m)));
    jest.spyOn(console, 'error').mockImplementation((m: string) => void lines.push(String(m)));
  });
  afterEach(() => jest.restoreAllMocks());
  return lines;
}
