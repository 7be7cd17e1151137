// Prints what the tests' outcome depends on outside the repository: the Rust toolchain, the tools
// rust-perf drives (path and version, or "absent") and the perf permission level. nx.json uses it as a
// runtime input of `test` and `e2e`, so a toolchain or tool change is a cache miss, never a replayed result.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

function output(file, args) {
  const r = spawnSync(file, args, { encoding: 'utf8', timeout: 10000 });
  if (r.error) return `absent (${r.error.code ?? r.error.message})`;
  return `${(r.stdout || r.stderr).trim().split('\n').slice(0, file === 'rustc' ? 20 : 1).join('\n')} [exit ${r.status}]`;
}

function onPath(name) {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), path.join(os.homedir(), '.cargo/bin'), path.join(os.homedir(), '.cache/rust-perf/tools/bin')];
  for (const dir of dirs) {
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

const rustc = output('rustc', ['-vV']);
const llvmMajor = /LLVM version: (\d+)/.exec(rustc)?.[1] ?? 'none';
const tools = ['llvm-profdata', `llvm-profdata-${llvmMajor}`, `llvm-bolt-${llvmMajor}`, `perf2bolt-${llvmMajor}`, 'perf', 'mold', 'ld.lld', 'objdump', 'nm', 'readelf', 'valgrind', 'sccache', 'hyperfine', 'inferno-flamegraph', 'inferno-collapse-perf'];

const lines = [`node ${process.version} ${process.platform}-${process.arch}`, rustc, output('cargo', ['-V'])];
for (const tool of tools) {
  const p = onPath(tool);
  lines.push(`${tool}: ${p ? `${p} ${output(p, ['--version'])}` : 'absent'}`);
}
let paranoid = 'unknown';
try {
  paranoid = fs.readFileSync('/proc/sys/kernel/perf_event_paranoid', 'utf8').trim();
} catch {
  // not Linux
}
lines.push(`kernel.perf_event_paranoid: ${paranoid}`);
console.log(lines.join('\n'));
