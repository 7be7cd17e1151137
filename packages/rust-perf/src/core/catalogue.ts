// Issue 8's fault and bad-input catalogue as data: each case, what the user sees, and the fix the
// message gives. reliability/catalogue.spec.ts checks that every id is tagged by a test (or names the
// existing test in `testedBy`) and that docs/troubleshooting.md's "When things go wrong" lists every case with its fix.

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
  // TOML shapes (issue 21): the edited table in any form TOML allows, line endings kept, our own errors named as ours.
  { id: 'gen-toml-dotted-table', area: 'generator', case: 'profile tables written with dotted keys (`profile.release.lto = false`, or `[profile]` then `release.lto = false`) or as inline tables (`release = { lto = false }`)', symptom: 'the new keys are added in the same form, next to yours (never a second `[profile.release]`)', fix: 'nothing' },
  { id: 'gen-toml-refused-shape', area: 'generator', case: 'an edit TOML cannot make in the file\'s shape (with `--force`, a value over a dependency written as its own `[workspace.dependencies.<name>]` table; a key below a string or an `[[array]]`)', symptom: '`rust/Cargo.toml:8:1: cannot set workspace.dependencies.ahash: it is a table defined by the header [workspace.dependencies.ahash] here; … nothing was written`', fix: 'remove or rewrite that table by hand (e.g. `ahash = "0.8"`), then run again' },
  { id: 'gen-toml-crlf-kept', area: 'generator', case: 'a CRLF (Windows) Cargo.toml', symptom: 'added lines are CRLF too; a new `.cargo/config.toml` takes the line ending of the Cargo.toml next to it', fix: 'nothing' },
  { id: 'gen-toml-not-utf8', area: 'generator', case: 'a Cargo.toml that is not UTF-8, or has a lone CR', symptom: '`rust/Cargo.toml:7:6: invalid TOML: invalid UTF-8 at byte …` (never rewritten with replacement characters)', fix: 'save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`), with LF or CRLF line ends' },
  { id: 'gen-toml-our-output-error', area: 'generator', case: 'rust-perf\'s own edit fails its re-parse check (a rust-perf bug, not your file)', symptom: '`rust-perf bug: setting lto in [profile.release] of rust/Cargo.toml produced invalid TOML (…); rust/Cargo.toml itself is valid and nothing was written …`', fix: 'report it with a copy of the file; set that key by hand meanwhile' },

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
  { id: 'exec-literal-args', area: 'executor', case: 'project name and workload args with spaces, quotes, `;`, `$(…)` and newlines (passed literally, never interpreted)', symptom: 'the program receives exactly those bytes; nothing is run by a shell', fix: 'nothing' },
  { id: 'exec-workspace-path-spaces', area: 'executor', case: 'a path with spaces for the workspace itself', symptom: 'works as in any other path', fix: 'nothing' },
  { id: 'count-valgrind-missing', area: 'executor', case: 'valgrind missing for counted runs (perf-report, `--count`)', symptom: '`valgrind was not found on PATH. Fix: apt-get install valgrind` (perf-report still writes the wall-time report, counted columns "not counted")', fix: '`apt-get install valgrind`' },
  { id: 'count-crash-under-valgrind', area: 'executor', case: 'a workload that crashes under valgrind (e.g. AVX-512 code: valgrind 3.19 cannot decode EVEX)', symptom: 'that configuration is "not counted: valgrind: Unrecognised instruction at address 0x… (vex amd64->IR: unhandled instruction bytes: 0x62 …); Process terminating with default action of signal 4 (SIGILL)"; the others are counted and the report is written', fix: 'nothing for the report; counted binaries are built for `-C target-cpu=x86-64-v3`, so remove `+avx512*` target-features (or inline EVEX asm) from the counted build, or use a valgrind that decodes it (`RUST_PERF_VALGRIND=/path/to/valgrind`)' },

  // Issue 16: targets that are right on any layout (executor half).
  { id: 'exec-bench-workload-bounded', area: 'executor', case: 'a PGO workload made of criterion benches (a suite that takes minutes)', symptom: '`bench codec_bench --bench --profile-time 3`: each benchmark runs 3 s without analysis; criterion writes under the target dir, never into the crate folder', fix: 'nothing; `benchProfileTime` sets the seconds per benchmark (0 = the full criterion run), or an entry\'s own `--profile-time` arg' },
  { id: 'exec-flamegraph-workload-args', area: 'executor', case: 'flamegraph with no args of a binary that has a workload', symptom: '`bin <name> runs with the workload\'s args (…[package.metadata.rust-perf]): <name> --synthetic 300000`', fix: 'nothing; `--args=…` on the command line wins' },
  { id: 'exec-flamegraph-needs-args', area: 'executor', case: 'flamegraph of a binary that needs args, with neither args nor a workload', symptom: '`<bin> exits with code 2 when run without arguments …` (before the profiling build when an earlier build of it exists, else after the perf run)', fix: '`nx run <project>:flamegraph --args=<first> --args=<second>`, or `[package.metadata.rust-perf] workload = [{ bin = "<bin>", args = […] }]`' },
  { id: 'exec-bench-options-ignored', area: 'executor', case: 'bench options a bench ignores (it sets its own values on a BenchmarkGroup, or builds Criterion without reading the command line)', symptom: '`criterion did not use --measurement-time 1 for 3 of 3 benchmark(s): codec/encode_json (estimated 3.0 s), …`', fix: 'set the values in `criterion_group!(config = Criterion::default()…)`, which the command line overrides, or call `.configure_from_args()`' },
  { id: 'exec-doctor-allocator-cfg', area: 'executor', case: 'a `#[global_allocator]` behind `#[cfg(…)]` (e.g. jemalloc on musl only)', symptom: 'doctor: `system allocator: the #[global_allocator] jemalloc at app/src/main.rs:2 is behind #[cfg(target_env = "musl")], which does not hold for x86_64-unknown-linux-gnu` (a custom `--cfg` gives WARN `cannot tell: …`)', fix: 'nothing; for "cannot tell", `nm -C <binary> \| grep -i jemalloc` shows whether it is linked in' },
  { id: 'exec-inferno-install-offline-config', area: 'executor', case: 'flamegraph in a workspace whose `.cargo/config.toml` sets `[net] offline = true` or replaces `[source]`', symptom: 'inferno is installed by `cargo install` run outside the workspace, so that config does not apply; if crates.io cannot be reached: `installing inferno from crates.io failed … Install it by hand …`', fix: '`cd ~ && cargo install inferno --locked`, or put inferno-collapse-perf and inferno-flamegraph on PATH' },
  { id: 'exec-build-rustflags-already-kept', area: 'executor', case: '`[build] rustflags` already copied into the matching `[target]` table (init does)', symptom: 'no warning; only flags the target table lacks are named: `… move "-Cdebuginfo=1" into the target table to keep it.`', fix: 'move the named flags into the `[target…]` table' },

  // Issue 17: counted benches (bench `metric: "instructions"`).
  { id: 'exec-bench-count-valgrind-missing', area: 'executor', case: 'valgrind missing for a counted bench run (`--metric=instructions`)', symptom: '`valgrind was not found on PATH. Fix: apt-get install valgrind` (before anything is built; no summary is written)', fix: '`apt-get install valgrind`, or `RUST_PERF_VALGRIND=/path/to/valgrind`; or gate on wall time (drop `--metric=instructions`)' },
  { id: 'exec-bench-count-noisy', area: 'executor', case: 'a benchmark too noisy to count (its counted runs differ by more than 0.5 %, e.g. a std `HashMap` with random keys)', symptom: '`1 benchmark(s) are not deterministic enough to count (…): parse/feed_json: runs …, … (spread 1.60%)`; it is gated at its own spread (`allowed` in the table), the others at the threshold', fix: 'make the routine deterministic (a fixed-seed hasher instead of `RandomState`), or leave it out of the counted run with `--filter` and gate it on wall time' },
  { id: 'exec-bench-metric-mismatch', area: 'executor', case: 'a baseline summary.json of the other metric (wall time for a counted run, or counted for a timed one)', symptom: '`prev.json: its benchmarks are wall time (nanoseconds), this run counts instructions; compare like with like …`', fix: 'make the baseline with the same `metric` as the run that compares against it' },

  // Security.
  { id: 'sec-no-shell', area: 'security', case: 'no `shell` option set to `true` anywhere (issue: "no shell-true anywhere")', symptom: 'every program runs from an argv array through one runner', fix: 'nothing', testedBy: 'packages/rust-perf/src/security.spec.ts :: has no %s' },
  { id: 'sec-no-downloads', area: 'security', case: 'nothing downloaded at run time except through cargo/npm', symptom: 'no network clients in the source; tools install only with `cargo install`', fix: 'nothing', testedBy: 'packages/rust-perf/src/security.spec.ts :: network clients (downloads go through cargo or npm only)' },
  { id: 'sec-writes-inside-workspace', area: 'security', case: 'files written only inside the workspace and the declared outputs', symptom: 'an `outputPath` outside the workspace, the root itself or a source folder is refused before anything runs', fix: 'set `outputPath` to a folder of its own inside the workspace, e.g. `dist/rust/<project>/release`' },
];

const AREA_TITLES: Record<CatalogueEntry['area'], string> = { generator: 'Generators', executor: 'Targets (executors)', security: 'Security' };

/** docs/troubleshooting.md's "## When things go wrong" section, rendered from the catalogue (the spec keeps them equal). */
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
