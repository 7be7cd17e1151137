// TOML shapes end to end: `nx g rust-perf:init` (the packed plugin) on a Cargo.toml whose profile is
// written with dotted keys, and on a CRLF Cargo.toml, gives the same profiles as on the plain file,
// keeps every line ending, and cargo reads the result. One workspace, reset with git between runs.
import { createWorkspace, type TestWorkspace } from './harness';
import { getIn, parseToml, withLineEnding } from '../../../packages/rust-perf/src/core/toml/toml';

const INIT = ['g', 'rust-perf:init', '--no-interactive', '--linker=system', '--cpu=x86-64-v3'];
const loneLf = (text: string) => /(^|[^\r])\n/.test(text);

describe('init on every shape of Cargo.toml', () => {
  let ws: TestWorkspace;
  let example: string;
  beforeAll(async () => {
    ws = await createWorkspace();
    example = ws.read('rust/Cargo.toml');
  });
  afterAll(() => ws?.cleanup());

  /** Writes the manifest, runs init, returns the files it left; then puts the workspace back. */
  async function initOn(manifest: string): Promise<{ manifest: string; config: string; profiles: unknown; deps: unknown }> {
    ws.write('rust/Cargo.toml', manifest);
    await ws.nx(INIT);
    // cargo is the judge of the edited manifest, dotted keys and CRLF included.
    await ws.exec('cargo', ['metadata', '--no-deps', '--offline', '--format-version', '1'], { cwd: ws.cargoRoot });
    const out = ws.read('rust/Cargo.toml');
    const doc = parseToml(out, 'rust/Cargo.toml');
    const result = { manifest: out, config: ws.read('rust/.cargo/config.toml'), profiles: getIn(doc, ['profile']), deps: getIn(doc, ['workspace', 'dependencies']) };
    await ws.exec('git', ['checkout', '-q', '--', '.']);
    await ws.exec('git', ['clean', '-qfd', '--', 'rust', 'nx.json']);
    return result;
  }

  it('dotted profile keys and a CRLF file get the same profiles as the plain header, with consistent line endings', async () => {
    const plain = await initOn(`${example}\n[profile.release]\ndebug = 1 # symbols for perf\n`);
    expect(getIn(plain.profiles as never, ['release', 'debug'])).toBe(1);
    expect(getIn(plain.profiles as never, ['release', 'codegen-units'])).toBe(1);
    expect(plain.manifest + plain.config).not.toContain('\r');

    const dotted = await initOn(`profile.release.debug = 1 # symbols for perf\n\n${example}`);
    expect([dotted.profiles, dotted.deps]).toEqual([plain.profiles, plain.deps]);
    expect(dotted.manifest).toMatch(/^profile\.release\.debug = 1 # symbols for perf\nprofile\.release\.opt-level = 3\n/);
    expect(dotted.manifest).not.toContain('[profile.release]');

    const inParent = await initOn(`${example}\n[profile]\nrelease.debug = 1 # symbols for perf\n`);
    expect([inParent.profiles, inParent.deps]).toEqual([plain.profiles, plain.deps]);
    expect(inParent.manifest).toContain('[profile]\nrelease.debug = 1 # symbols for perf\nrelease.opt-level = 3\n');

    const crlf = await initOn(withLineEnding(`${example}\n[profile.release]\ndebug = 1 # symbols for perf\n`, '\r\n'));
    expect([crlf.profiles, crlf.deps]).toEqual([plain.profiles, plain.deps]);
    expect(crlf.manifest).toBe(withLineEnding(plain.manifest, '\r\n'));
    expect(crlf.config).toBe(withLineEnding(plain.config, '\r\n'));
    expect([loneLf(crlf.manifest), loneLf(crlf.config)]).toEqual([false, false]);
  });
});
