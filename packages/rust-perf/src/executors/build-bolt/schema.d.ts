export interface BuildBoltExecutorOptions {
  cargoRoot?: string;
  package?: string;
  /** The bolt-profile target's output (<bin>.fdata and relocs/<bin>), relative to the Nx workspace root. Default: dist/bolt/<project>. */
  profileDir?: string;
  /** Where the optimized binaries are published (relative to the Nx workspace root). Default: dist/rust/<project>/bolt. */
  outputPath?: string;
  /** Only these binaries; default: every binary bolt-profile published a profile for. */
  bins?: string[];
  /** llvm-bolt optimization options replacing the documented layout set (e.g. ["-reorder-blocks=ext-tsp", "-reorder-functions=cdsort"]). */
  boltOptions?: string[];
}
