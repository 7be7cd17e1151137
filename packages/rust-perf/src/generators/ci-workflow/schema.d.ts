export interface CiWorkflowGeneratorSchema {
  provider?: 'github';
  name?: string;
  mainBranch?: string;
  failOnRegression?: number;
  pgo?: boolean;
  nodeVersion?: string;
  cargoRoot?: string;
  force?: boolean;
}
