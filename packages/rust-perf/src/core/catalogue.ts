// Issue 8's fault and bad-input catalogue as data: each case, what the user sees, and the fix the
// message gives. reliability/catalogue.spec.ts checks that every id is tagged by a test (or names the
// existing test in `testedBy`) and that README's "When things go wrong" lists every case with its fix.

export interface CatalogueEntry {
  id: string;
  area: 'generator' | 'executor' | 'security';
  /** The wording. */
  case: string;
  /** What the user sees (short). */
  symptom: string;
  /** The fix the message gives. */
  fix: string;
  /** `path :: test name` of an existing test, when the case is not tagged `[id]` in a test name. */
  testedBy?: string;
  /** Why the machine can't reproduce the case, and what is tested instead. */
  note?: string;
}

export const CATALOGUE: readonly CatalogueEntry[] = [
  // Generators: every failure leaves user files byte-identical (nothing is written unless all edits validate).
  { id: 'gen-malformed-cargo-toml', area: 'generator', case: 'malformed Cargo.toml', symptom: '`rust/Cargo.toml:4:7: invalid TOML: …`', fix: 'fix the TOML at that line and column (`cargo metadata --no-deps` shows cargo\'s own message)' },
  { id: 'gen-malformed-cargo-config', area: 'generator', case: 'malformed .cargo/config.toml', symptom: '`rust/.cargo/config.toml:<line>:<col>: invalid TOML: …`', fix: 'fix the TOML at that line and column' },
  { id: 'gen-readonly-cargo-toml', area: 'generator', case: 'read-only Cargo.toml', symptom: '`rust/Cargo.toml is read-only (…); nothing was written`', fix: '`chmod u+w <file>`' },
  { id: 'gen-symlink-cargo-toml', area: 'generator', case: 'Cargo.toml that is a symlink', symptom: '`rust/Cargo.toml is a symbolic link to …; nothing was written`', fix: 'run the generator in the workspace that owns the link target, or replace the link with a copy (`cp --remove-destination <target> <link>`)' },
  { id: 'gen-workspace-no-members', area: 'generator', case: 'a workspace with no members', symptom: '`No package named "<p>" in the Cargo workspace rust/Cargo.toml. Packages: (none)`', fix: 'list the crate folders in `[workspace] members = ["…"]`' },
  { id: 'gen-two-workspaces', area: 'generator', case: 'two candidate Cargo workspaces', symptom: '`Several Cargo workspaces were found: rust/Cargo.toml, tools/Cargo.toml`', fix: 'choose one with `--cargoRoot <folder>`' },
  { id: 'gen-lto-false-kept', area: 'generator', case: 'user already set `lto = false` (kept without `--force`)', symptom: '`kept lto = false in rust/Cargo.toml [profile.release] (use --force to set "thin")` (a warning; the line and its comment stay)', fix: 'nothing, or `--force` to take rust-perf\'s value' },
  { id: 'gen-build-rustflags-merged', area: 'generator', case: 'existing `[build] rustflags` in config (merged, explained)', symptom: '`cargo ignores [build] rustflags when a [target] table matches, so they were copied into the target tables` (the `[build]` table stays)', fix: 'nothing; edit both tables together from now on' },
  { id: 'gen-existing-global-allocator', area: 'generator', case: 'existing `#[global_allocator]`', symptom: '`rust/app/src/main.rs:1: a #[global_allocator] is already defined`', fix: 'remove the existing allocator first (or keep it and skip the generator)' },
  { id: 'gen-allocator-no-binary', area: 'generator', case: 'a crate with no binary for the allocator generator', symptom: '`rust/core/Cargo.toml: package core has no binary`', fix: 'run it on the crate that has `src/main.rs` or a `[[bin]]`' },
  { id: 'gen-unknown-preset', area: 'generator', case: 'unknown preset', symptom: '`Unknown preset "hft". Nothing was written.`', fix: '`--preset common|market-data|execution-engine`, or `--deps a,b,c`' },
  { id: 'gen-not-a-rust-crate', area: 'generator', case: 'project that is not a Rust crate', symptom: '`No package named "web" in the Cargo workspace rust/Cargo.toml. Packages: …`', fix: 'pass one of the listed Cargo packages as `--project`' },

  // Executors: a failure returns a non-zero exit and publishes nothing Nx could cache.
  { id: 'exec-cargo-missing', area: 'executor', case: 'cargo missing from PATH', symptom: '`cargo was not found on PATH` (or `rustc …`)', fix: 'install Rust with rustup (`rustup toolchain install stable`) and put `~/.cargo/bin` on PATH' },
  { id: 'exec-compile-error', area: 'executor', case: 'compile error in the crate (exit code and cargo\'s message passed through, nothing cached)', symptom: 'cargo\'s own `error[E…]` with file:line:col, then `cargo build … exited with code 101`', fix: 'fix the code at the location cargo names' },
  { id: 'exec-user-rustflags', area: 'executor', case: 'user RUSTFLAGS set (kept, warned)', symptom: '`warning: RUSTFLAGS is set, so cargo ignores the rustflags in …config.toml [build]`', fix: 'unset RUSTFLAGS to use the config file\'s flags, or keep it deliberately', testedBy: 'packages/rust-perf/src/executors/build-release/executor.spec.ts :: user RUSTFLAGS win over config, as in cargo, with a warning' },
  { id: 'exec-encoded-rustflags', area: 'executor', case: 'CARGO_ENCODED_RUSTFLAGS set', symptom: '`rustflags: <yours> -Ctarget-cpu=native` (yours kept, rust-perf\'s appended)', fix: 'nothing; unset it to use the config file\'s flags' },
  { id: 'exec-cargo-target-dir', area: 'executor', case: 'CARGO_TARGET_DIR set', symptom: 'binaries are taken from cargo\'s `executable` messages in that folder', fix: 'nothing' },
  { id: 'exec-llvm-profdata-missing', area: 'executor', case: 'llvm-profdata missing', symptom: '`No llvm-profdata for LLVM 22 (rustc\'s LLVM, from rustc -vV) was found`', fix: '`rustup component add llvm-tools`, or `apt-get install llvm-22`, or `LLVM_PROFDATA=/path/to/llvm-profdata`' },
  { id: 'exec-llvm-profdata-wrong-major', area: 'executor', case: 'llvm-profdata of another LLVM major', symptom: '`… Tried: /usr/bin/llvm-profdata (LLVM 14.0.6)` (skipped, named)', fix: 'install the llvm-profdata of rustc\'s LLVM major (`apt-get install llvm-22`), or `LLVM_PROFDATA=…`' },
  { id: 'exec-workload-nonzero', area: 'executor', case: 'workload exits non-zero', symptom: '`workload `…` exited with code 3; fix it or set allowWorkloadFailure`', fix: 'fix the workload, or set `allowWorkloadFailure: true`' },
  { id: 'exec-workload-timeout', area: 'executor', case: 'workload hangs past timeout (SIGINT → profile still written)', symptom: 'the workload gets SIGINT at `timeoutSeconds` (SIGTERM, SIGKILL later); a program that exits on SIGINT keeps its profile', fix: 'make the program exit normally on SIGINT, or raise `timeoutSeconds`' },
  { id: 'exec-workload-sigkill', area: 'executor', case: 'workload killed by SIGKILL (zero profraw → clear error)', symptom: '`No .profraw files were written to …` with the workload named', fix: 'let the workload exit normally (LLVM writes the profile at exit)' },
  { id: 'exec-process-exit-panic-abort', area: 'executor', case: 'workload that calls `std::process::exit` in a panic=abort build', symptom: '`process::exit` keeps the profile; a panic under `panic = "abort"` gives `No .profraw files were written …`', fix: 'end the workload with `process::exit` or a return from main, not a panic' },
  { id: 'exec-ctrl-c-instrumented-build', area: 'executor', case: 'Ctrl-C during the instrumented build (no partial output published)', symptom: '`cargo build … (SIGINT)`; the previous output stays as it was', fix: 'run the target again' },
  { id: 'exec-parallel-build-pgo', area: 'executor', case: 'two `build-pgo` runs in parallel', symptom: 'each run has its own profile folder; profiles never mix', fix: 'nothing', testedBy: 'e2e/rust-perf-e2e/src/pgo.spec.ts :: two pipelines in parallel keep their profiles apart' },
  { id: 'exec-perf-missing', area: 'executor', case: 'perf missing', symptom: '`perf was not found on PATH`', fix: '`apt-get install linux-perf` (Debian) or `apt-get install linux-tools-$(uname -r)` (Ubuntu)' },
  { id: 'exec-perf-paranoid', area: 'executor', case: 'perf_event_paranoid too high', symptom: '`kernel.perf_event_paranoid is 3, which forbids perf for unprivileged users`', fix: '`sudo sysctl kernel.perf_event_paranoid=1` (persist in /etc/sysctl.d/60-perf.conf), or root / CAP_PERFMON', note: 'tests run as root, which bypasses the setting: the deciding function recordingAccess is tested' },
  { id: 'exec-criterion-missing', area: 'executor', case: 'criterion not a dependency', symptom: '`package `md` has only libtest benches (…)`', fix: 'add criterion to `[dev-dependencies]` and `[[bench]] name = "…" harness = false`', testedBy: 'packages/rust-perf/src/executors/bench/executor.spec.ts :: explains that libtest benches are not supported' },
  { id: 'exec-baseline-missing', area: 'executor', case: 'no baseline yet for `--baseline`', symptom: '`baseline file … does not exist`', fix: 'pass a summary.json from an earlier run, or save a criterion baseline first with `--saveBaseline`', testedBy: 'packages/rust-perf/src/executors/bench/executor.spec.ts :: names a missing baseline file' },
  { id: 'exec-baseline-malformed', area: 'executor', case: 'a baseline file that is malformed JSON', symptom: '`prev.json:3:18: invalid JSON: …`', fix: 'fix or replace the file at that line and column', testedBy: 'packages/rust-perf/src/executors/bench/executor.spec.ts :: rejects a malformed baseline summary with file:line:col before running anything' },
  { id: 'exec-compare-ref-missing', area: 'executor', case: '`bench --compareRef` with a base ref that does not exist (the gate fails)', symptom: '`--compareRef origin/main: no such commit in …`', fix: '`git fetch origin main` (in GitHub Actions: `actions/checkout` with `fetch-depth: 0`), or pass an existing ref' },
  { id: 'exec-compare-base-broken', area: 'executor', case: '`bench --compareRef` with a base that does not compile (verdict "not compared", the gate fails)', symptom: '`the base (origin/main, 1a2b3c4d5e6f) does not build: cargo bench -p … --no-run … exited with code 101` and cargo\'s first errors', fix: 'fix the base branch first, or run the bench without `--compareRef`' },
  { id: 'exec-compare-new-crate', area: 'executor', case: '`bench --compareRef` with a base where the crate or the bench did not exist (reported as new, not a regression)', symptom: '`router/parse_fix: new in head (no base to compare with)`; removed benches are listed as `removed`', fix: 'nothing' },
  { id: 'exec-literal-args', area: 'executor', case: 'project name and workload args with spaces, quotes, `;`, `$(…)` and newlines (passed literally, never interpreted)', symptom: 'the program receives exactly those bytes; nothing is run by a shell', fix: 'nothing' },
  { id: 'exec-workspace-path-spaces', area: 'executor', case: 'a path with spaces for the workspace itself', symptom: 'works as in any other path', fix: 'nothing' },

  // Security.
  { id: 'sec-no-shell', area: 'security', case: 'no `shell` option set to `true` anywhere (issue: "no shell-true anywhere")', symptom: 'every program runs from an argv array through one runner', fix: 'nothing', testedBy: 'packages/rust-perf/src/security.spec.ts :: has no %s' },
  { id: 'sec-no-downloads', area: 'security', case: 'nothing downloaded at run time except through cargo/npm', symptom: 'no network clients in the source; tools install only with `cargo install`', fix: 'nothing', testedBy: 'packages/rust-perf/src/security.spec.ts :: network clients (downloads go through cargo or npm only)' },
  { id: 'sec-writes-inside-workspace', area: 'security', case: 'files written only inside the workspace and the declared outputs', symptom: 'an `outputPath` outside the workspace, the root itself or a source folder is refused before anything runs', fix: 'set `outputPath` to a folder of its own inside the workspace, e.g. `dist/rust/<project>/release`' },
];

const AREA_TITLES: Record<CatalogueEntry['area'], string> = { generator: 'Generators', executor: 'Targets (executors)', security: 'Security' };

/** README's "## When things go wrong" section, rendered from the catalogue (the spec keeps them equal). */
export function renderWhenThingsGoWrong(entries: readonly CatalogueEntry[] = CATALOGUE): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [
    '## When things go wrong',
    '',
    'Every case below has a test tagged with its id (`packages/rust-perf/src/reliability/`, or the test named in',
    '`packages/rust-perf/src/core/catalogue.ts`). A failing generator writes nothing: every user file stays byte-identical.',
    'A failing target exits non-zero and publishes nothing Nx could cache. Messages name the file, line and column, or the',
    'missing tool and the command that fixes it.',
  ];
  for (const area of ['generator', 'executor', 'security'] as const) {
    lines.push('', `### ${AREA_TITLES[area]}`, '', '| case | what you see | fix |', '| --- | --- | --- |');
    for (const e of entries.filter((x) => x.area === area)) lines.push(`| ${cell(e.case)} | ${cell(e.symptom)} | ${cell(e.fix)} |`);
  }
  return lines.join('\n') + '\n';
}
