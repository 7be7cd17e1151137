import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseRustcVerbose, rustcInfo } from './rustc';

const SAMPLE = `rustc 1.95.0 (59807616e 2026-04-14)
binary: rustc
commit-hash: 59807616e1fa2540724bfbac14d7976d7e4a3860
commit-date: 2026-04-14
host: x86_64-unknown-linux-gnu
release: 1.95.0
LLVM version: 22.1.2
`;

describe('parseRustcVerbose', () => {
  test('reads release, host and LLVM major', () => {
    const info = parseRustcVerbose(SAMPLE);
    expect(info).toMatchObject({ release: '1.95.0', host: 'x86_64-unknown-linux-gnu', llvmVersion: '22.1.2', llvmMajor: 22, commitHash: '59807616e1fa2540724bfbac14d7976d7e4a3860' });
  });
  test('a rustc without LLVM (e.g. cranelift-only) has NaN major', () => {
    expect(parseRustcVerbose(SAMPLE.replace(/LLVM version.*\n/, '')).llvmMajor).toBeNaN();
  });
  test('garbage is an error', () => expect(() => parseRustcVerbose('hello')).toThrow(/unexpected `rustc -vV` output/));
});

describe('rustcInfo (real rustc, cached per toolchain)', () => {
  test('matches rustc -vV and is served from the cache the second time', async () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-cache-'));
    const env = { ...process.env, RUST_PERF_CACHE_DIR: cache };
    const first = await rustcInfo(process.cwd(), env);
    expect(first.host).toMatch(/-/);
    expect(first.llvmMajor).toBeGreaterThan(10);
    expect(fs.existsSync(path.join(cache, 'toolchain.json'))).toBe(true);
    const t0 = process.hrtime.bigint();
    const second = await rustcInfo(process.cwd(), env);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    expect(second).toEqual(first);
    expect(ms).toBeLessThan(15);
    fs.rmSync(cache, { recursive: true, force: true });
  });
});
