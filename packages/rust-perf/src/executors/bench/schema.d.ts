export interface BenchExecutorSchema {
  cargoRoot?: string;
  package?: string;
  benches?: string[];
  outputPath?: string;
  filter?: string;
  baseline?: string;
  baselineMissingOk?: boolean;
  saveBaseline?: string;
  failOnRegression?: number;
  warmUpTime?: number;
  measurementTime?: number;
  sampleSize?: number;
  metric?: 'wall' | 'instructions';
  countRuns?: number;
}
