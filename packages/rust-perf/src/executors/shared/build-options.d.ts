export interface BuildReleaseExecutorOptions {
  cargoRoot?: string;
  package?: string;
  profile?: string;
  outputPath?: string;
  features?: string[] | string;
  allFeatures?: boolean;
  noDefaultFeatures?: boolean;
  bins?: string[];
  locked?: boolean;
  target?: string;
  extraArgs?: string[];
}
