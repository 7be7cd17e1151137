// The executors' log lines. Not @nx/devkit's logger: importing @nx/devkit at run time loads most of Nx
// (~300 ms of CPU in every forked task); Nx already prints an executor's stdout and stderr as its output.
export const logger = {
  info: (message: unknown): void => console.info(message),
  warn: (message: unknown): void => console.warn(message),
  error: (message: unknown): void => console.error(message),
};
