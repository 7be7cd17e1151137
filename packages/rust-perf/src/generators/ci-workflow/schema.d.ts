export interface CiWorkflowGeneratorSchema {
  provider?: 'github';
  name?: string;
  mainBranch?: string;
  gate?: 'same-job' | 'cross-run';
  failOnRegression?: number;
  pgo?: boolean;
  nodeVersion?: string;
  cargoRoot?: string;
  force?: boolean;
}
