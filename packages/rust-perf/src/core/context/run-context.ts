// The toolchain facts and cargo configs one executor run needs, computed once per run: every
// planner that asks (the rustflags planner, the llvm-profdata and llvm-bolt searches, the target-dir lookup) gets
// the same answer without re-entering core/toolchain/ or re-reading the config files. Each field is
// filled on first use, so a run that never needs `rustc --print cfg` never spawns it; the per-toolchain
// disk cache (core/toolchain/cache.ts) still spares the processes across runs.
import * as path from 'node:path';
import { findLlvmBolt, type LlvmBolt } from '../toolchain/llvm-bolt';
import { findLlvmProfdata, type LlvmProfdata } from '../toolchain/llvm-profdata';
import { rustcCfg, rustcInfo, rustcTargetLibdir, type RustcInfo } from '../toolchain/rustc';
import { findCargoConfigs, type CargoConfigFile } from './cargo-configs';

export class RunContext {
  private rustcFacts?: Promise<RustcInfo>;
  private libdir?: Promise<string>;
  private profdata?: Promise<LlvmProfdata>;
  private bolt?: Promise<LlvmBolt>;
  private readonly cfgs = new Map<string, Promise<string[]>>();
  private configs?: CargoConfigFile[];

  /** cargoRoot: the folder of the workspace's root Cargo.toml (absolute after resolving). */
  constructor(
    readonly cargoRoot: string,
    readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.cargoRoot = path.resolve(cargoRoot);
  }

  /** `rustc -vV`: release, host, LLVM version. */
  rustc(): Promise<RustcInfo> {
    return (this.rustcFacts ??= rustcInfo(this.cargoRoot, this.env));
  }

  async host(): Promise<string> {
    return (await this.rustc()).host;
  }

  async llvmMajor(): Promise<number> {
    return (await this.rustc()).llvmMajor;
  }

  /** `rustc --print cfg` for target (undefined: the host). */
  cfg(target?: string): Promise<string[]> {
    const key = target ?? '';
    let hit = this.cfgs.get(key);
    if (!hit) this.cfgs.set(key, (hit = rustcCfg(this.cargoRoot, target, this.env)));
    return hit;
  }

  /** `rustc --print target-libdir` (the sysroot's lib/rustlib/<host>/lib). */
  targetLibdir(): Promise<string> {
    return (this.libdir ??= rustcTargetLibdir(this.cargoRoot, this.env));
  }

  /** An llvm-profdata of rustc's LLVM major. */
  llvmProfdata(): Promise<LlvmProfdata> {
    return (this.profdata ??= findLlvmProfdata(this.cargoRoot, this.env, { rustc: () => this.rustc(), targetLibdir: () => this.targetLibdir() }));
  }

  /** llvm-bolt of rustc's LLVM major (or LLVM_BOLT) with its merge-fdata. */
  llvmBolt(): Promise<LlvmBolt> {
    return (this.bolt ??= findLlvmBolt(this.cargoRoot, this.env, () => this.rustc()));
  }

  /** Cargo's config files for cargoRoot, lowest precedence first, parsed once. */
  cargoConfigs(): readonly CargoConfigFile[] {
    return (this.configs ??= findCargoConfigs(this.cargoRoot, this.env));
  }
}
