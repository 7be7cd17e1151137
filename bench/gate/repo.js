// What the gate scripts share: their arguments, git with a fixed identity, the example workspace as a git
// repository with `main` and a `base` branch, and the order book's injected spins.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { prepareWorkspace, sh } = require('../pgo/workspace');

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
}

function git(ws, args) {
  return sh('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', ...args], { cwd: ws.root });
}

/** bench/pgo's workspace in `dir`, committed on `main` once, checked out on `main` with `base` at it. */
function gateWorkspace(dir) {
  const ws = prepareWorkspace(dir);
  fs.writeFileSync(path.join(ws.root, '.gitignore'), 'node_modules\n.nx\ndist\ntarget\n');
  if (!fs.existsSync(path.join(ws.root, '.git'))) {
    git(ws, ['init', '-q', '-b', 'main']);
    git(ws, ['add', '-A']);
    git(ws, ['commit', '-qm', 'example']);
  }
  git(ws, ['checkout', '-q', '-f', 'main']);
  git(ws, ['branch', '-f', 'base', 'main']);
  return ws;
}

// The bound goes through black_box so the loop stays a loop: with a constant bound LLVM unrolls small
// counts, and the cost stops being linear (measured: 11 spins +1.4% instructions, 36 spins +2.0%, 200 +55%).
const withSpins = (n) => (text) =>
  text
    .replace(/const INJECTED_SPINS: u32 = 0;/, `const INJECTED_SPINS: u32 = ${n};`)
    .replace('for i in 0..INJECTED_SPINS + E2E_SLOWDOWN {', 'for i in 0..std::hint::black_box(INJECTED_SPINS) + E2E_SLOWDOWN {');

module.exports = { arg, git, gateWorkspace, withSpins };
