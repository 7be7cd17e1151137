export interface FlamegraphExecutorSchema {
  cargoRoot?: string;
  package?: string;
  bin?: string;
  bench?: string;
  /** Nx parses numeric command-line values as numbers. */
  args?: (string | number)[];
  filter?: string;
  profile?: string;
  frequency?: number;
  callGraph?: string;
  profileTime?: number;
  outputPath?: string;
  installTools?: boolean;
}
