// A path-only Cargo workspace (cargo works offline) in a folder whose name has spaces and quotes,
// with a binary that can misbehave on request: fail, hang until SIGINT, kill itself, panic, echo argv.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { writeFiles } from './fixtures';

const MAIN = `
use std::io::Write;
extern "C" {
    fn signal(sig: i32, handler: extern "C" fn(i32)) -> usize;
    fn exit(code: i32) -> !;
    fn kill(pid: i32, sig: i32) -> i32;
}
// exit() runs the atexit handlers, where LLVM's runtime writes the profile.
extern "C" fn on_sigint(_: i32) { unsafe { exit(0) } }

fn work(n: u64) -> u64 {
    let mut acc = 0u64;
    for i in 0..n { acc = acc.wrapping_add(if i % 3 == 0 { i * 7 } else { i ^ 0x55 }); }
    acc
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let first = args.first().map(String::as_str).unwrap_or("");
    println!("acc={}", work(20_000));
    match first {
        "--fail" => std::process::exit(3),
        "--exit-early" => std::process::exit(0),
        "--panic" => panic!("workload panicked"),
        "--kill-self" => unsafe { kill(std::process::id() as i32, 9); },
        "--hang" => {
            unsafe { signal(2, on_sigint); }
            loop { std::thread::sleep(std::time::Duration::from_millis(50)); }
        }
        "--args-to" => {
            let mut f = std::fs::File::create(&args[1]).unwrap();
            f.write_all(args[2..].join("\\0").as_bytes()).unwrap();
        }
        "--cfg" => println!("{}", if cfg!(enc_cfg) { "enc_cfg" } else { "no_enc_cfg" }),
        _ => {}
    }
}
`;

// Sleeps only when asked, so a test can interrupt cargo in the middle of a build.
const BUILD_RS = `
fn main() {
    println!("cargo:rerun-if-env-changed=RP_SLOW_BUILD");
    if let Ok(marker) = std::env::var("RP_SLOW_BUILD") {
        std::fs::write(&marker, std::process::id().to_string()).unwrap();
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
}
`;

export interface FaultWorkspace {
  root: string;
  context(project?: string): ExecutorContext;
  cleanup(): void;
}

export function createFaultWorkspace(): FaultWorkspace {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-rel-'));
  const root = path.join(parent, `trading desk "q" it's`);
  fs.mkdirSync(root);
  writeFiles(root, {
    'nx.json': '{}\n',
    'rust/Cargo.toml': '[workspace]\nmembers = ["fault-app", "broken"]\nresolver = "2"\n\n[profile.release]\npanic = "abort"\n',
    'rust/fault-app/Cargo.toml': '[package]\nname = "fault-app"\nversion = "0.1.0"\nedition = "2021"\nbuild = "build.rs"\n\n[lints.rust]\nunexpected_cfgs = { level = "allow" }\n',
    'rust/fault-app/build.rs': BUILD_RS,
    'rust/fault-app/src/main.rs': MAIN,
    'rust/broken/Cargo.toml': '[package]\nname = "broken"\nversion = "0.1.0"\nedition = "2021"\n',
    'rust/broken/src/main.rs': 'fn main() {\n    let x: u32 = "not a number";\n    println!("{x}");\n}\n',
  });
  return {
    root,
    context: (project = 'fault-app') => ({ root, projectName: project, cwd: root, isVerbose: false }) as unknown as ExecutorContext,
    cleanup: () => fs.rmSync(parent, { recursive: true, force: true }),
  };
}
