import { cfgSatisfiable, formatCfg, parseCfgKey } from '../rustflags/cfg';
import { exclusiveCfg } from './exclusive';

const MUSL = ['target_abi=""', 'target_arch="x86_64"', 'target_env="musl"', 'target_os="linux"', 'target_vendor="unknown"', 'unix'];
const ARMHF = ['target_abi="eabihf"', 'target_arch="arm"', 'target_env="gnu"', 'target_os="linux"', 'target_vendor="unknown"', 'unix'];
const LINUX_X86 = 'cfg(all(target_arch = "x86_64", target_os = "linux"))';

describe('cfgSatisfiable', () => {
  it.each([
    ['cfg(all(target_os = "linux", target_os = "windows"))', false],
    ['cfg(all(target_arch = "x86_64", not(target_arch = "x86_64")))', false],
    ['cfg(all(target_arch = "x86_64", target_env = "musl"))', true],
    ['cfg(all(target_arch = "x86_64", any(target_arch = "aarch64", target_arch = "arm")))', false],
    ['cfg(all(unix, windows))', false],
    ['cfg(all(windows, target_os = "linux"))', false],
    ['cfg(all(unix, target_os = "linux"))', true],
    ['cfg(all(target_os = "linux", not(any(target_os = "linux", target_os = "macos"))))', false],
  ])('%s → %s', (key, sat) => expect(cfgSatisfiable(parseCfgKey(key))).toBe(sat));

  it('formats in cargo\'s spelling and parses back', () => {
    const key = 'cfg(all(target_arch = "x86_64", not(any(windows, target_env = "musl"))))';
    expect(`cfg(${formatCfg(parseCfgKey(key))})`).toBe(key);
  });
});

describe('exclusiveCfg', () => {
  it('leaves ours alone when no user table can match the same build', () => {
    expect(exclusiveCfg(LINUX_X86, [{ key: 'armv7-unknown-linux-gnueabihf', where: 'c [target.armv7-unknown-linux-gnueabihf]', cfgLines: ARMHF }, { key: 'cfg(windows)', where: 'w', cfgLines: undefined }], '`x`')).toEqual({ cfg: LINUX_X86, notes: [] });
  });

  it('narrows by the predicates ours does not already force (musl triple → not(target_env = "musl"))', () => {
    const r = exclusiveCfg(LINUX_X86, [{ key: 'x86_64-unknown-linux-musl', where: 'c [target.x86_64-unknown-linux-musl]', cfgLines: MUSL }], '`-C target-cpu=native`');
    expect(r.cfg).toBe('cfg(all(target_arch = "x86_64", target_os = "linux", not(target_env = "musl")))');
    expect(r.notes).toHaveLength(1);
  });

  it('narrows a user cfg table exactly: ours ∧ not(theirs)', () => {
    expect(exclusiveCfg('cfg(target_arch = "x86_64")', [{ key: 'cfg(all(unix, target_env = "musl"))', where: 'c', cfgLines: undefined }], '`x`').cfg).toBe('cfg(all(target_arch = "x86_64", not(all(unix, target_env = "musl"))))');
  });

  it('gives up with a reason when a cfg cannot be read or a triple is unknown', () => {
    expect(exclusiveCfg(LINUX_X86, [{ key: 'cfg(all(unix', where: 'c [x]', cfgLines: undefined }], '`x`')).toEqual({ cfg: null, notes: [expect.stringContaining('has a cfg init cannot read')] });
    expect(exclusiveCfg(LINUX_X86, [{ key: 'my-custom-target', where: 'c [y]', cfgLines: null }], '`x`')).toEqual({ cfg: null, notes: [expect.stringContaining('rustc does not know the target my-custom-target')] });
  });

  it('writes nothing when the user\'s table covers every build ours would', () => {
    expect(exclusiveCfg(LINUX_X86, [{ key: 'cfg(target_os = "linux")', where: 'c', cfgLines: undefined }], '`x`').cfg).toBeNull();
  });
});
