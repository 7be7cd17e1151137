export interface BenchExecutorSchema {
  cargoRoot?: string;
  package?: string;
  benches?: string[];
  outputPath?: string;
  filter?: string;
  baseline?: string;
  saveBaseline?: string;
  failOnRegression?: number;
  warmUpTime?: number;
  measurementTime?: number;
  sampleSize?: number;
}
