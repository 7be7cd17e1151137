export interface DoctorExecutorSchema {
  cargoRoot?: string;
  json?: boolean;
}
