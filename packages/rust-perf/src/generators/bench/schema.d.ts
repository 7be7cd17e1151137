export interface BenchGeneratorSchema {
  project: string;
  name: string;
  cargoRoot?: string;
}
