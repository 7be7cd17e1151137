import type { ExecutorContext } from '@nx/devkit';
import { logger } from '../shared/log';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import flamegraphExecutor from './executor';

// Real cargo metadata and the real perf checks; nothing here compiles.
const perfUsable = fs.existsSync('/usr/bin/perf');
(perfUsable ? describe : describe.skip)('flamegraph executor', () => {
  let root: string;
  let errors: string[];
  const saved = { ...process.env };
  const context = (): ExecutorContext =>
    ({ root, cwd: root, isVerbose: false, projectName: 'app', targetName: 'flamegraph', projectsConfigurations: { version: 2, projects: {} } }) as unknown as ExecutorContext;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-fg-exec-'));
    errors = [];
    jest.spyOn(logger, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    fs.mkdirSync(path.join(root, 'rust', 'app', 'src'), { recursive: true });
    fs.writeFileSync(path.join(root, 'rust', 'app', 'Cargo.toml'), '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n');
    fs.writeFileSync(path.join(root, 'rust', 'app', 'src', 'main.rs'), 'fn main() {}\n');
    // An empty tools dir, so inferno is only found if it is on PATH.
    process.env.RUST_PERF_TOOLS_DIR = path.join(root, 'tools');
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.env = { ...saved };
    fs.rmSync(root, { recursive: true, force: true });
  });
  const workspace = (profiles: string) =>
    fs.writeFileSync(path.join(root, 'rust', 'Cargo.toml'), `[workspace]\nmembers = ["app"]\nresolver = "2"\n${profiles}`);

  it('refuses a profile that strips symbols, naming where strip is set', async () => {
    workspace('\n[profile.release]\nstrip = "symbols"\n');
    expect(await flamegraphExecutor({ cargoRoot: 'rust' }, context())).toEqual({ success: false });
    expect(errors.join('\n')).toContain(`the \`bench\` profile strips symbols (${path.join(root, 'rust', 'Cargo.toml')} [profile.release] strip)`);
  });

  it('prefers the profiling profile when the workspace defines it', async () => {
    workspace('\n[profile.release]\nstrip = true\n\n[profile.profiling]\ninherits = "release"\nstrip = "none"\n');
    const found = ['inferno-collapse-perf', 'inferno-flamegraph'].some((p) => (process.env.PATH ?? '').split(':').some((d) => fs.existsSync(path.join(d, p))));
    if (found) return; // inferno on PATH would start a real build; the strip decision is covered above.
    expect(await flamegraphExecutor({ cargoRoot: 'rust', installTools: false }, context())).toEqual({ success: false });
    // Past the strip check (profiling keeps symbols), it stops at the missing inferno with the exact command.
    expect(errors.join('\n')).toContain(`cargo install inferno --locked --root ${path.join(root, 'tools')}`);
  });

  it('when crates.io cannot be reached, says how to install inferno by hand [exec-inferno-install-offline-config]', async () => {
    workspace('\n[profile.profiling]\ninherits = "release"\nstrip = "none"\n');
    const found = ['inferno-collapse-perf', 'inferno-flamegraph'].some((p) => (process.env.PATH ?? '').split(':').some((d) => fs.existsSync(path.join(d, p))));
    if (found) return; // inferno on PATH: nothing to install
    // A CARGO_HOME whose own config is offline, with an empty registry cache: cargo install fails at once, for real.
    const cargoHome = path.join(root, 'cargo-home');
    fs.mkdirSync(cargoHome);
    fs.writeFileSync(path.join(cargoHome, 'config.toml'), '[net]\noffline = true\n');
    process.env.CARGO_HOME = cargoHome;
    expect(await flamegraphExecutor({ cargoRoot: 'rust' }, context())).toEqual({ success: false });
    const message = errors.join('\n');
    expect(message).toContain(`cargo install inferno --locked --root ${path.join(root, 'tools')}\` exited with code 101`);
    expect(message).toContain('Install it by hand from any folder outside the workspace: `cd ~ && cargo install inferno --locked`');
    expect(message).toContain(path.join(root, 'tools', 'bin'));
  });

  it('says what to record when the package has no obvious target', async () => {
    workspace('');
    expect(await flamegraphExecutor({ cargoRoot: 'rust', bench: 'nope' }, context())).toEqual({ success: false });
    expect(errors.join('\n')).toContain('package `app` has no bench target `nope` (bench targets: none)');
  });
});
