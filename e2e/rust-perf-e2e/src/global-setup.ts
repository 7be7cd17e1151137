import { prepareTemplate } from './harness';

// Pack once and install once per run; every test copies the template instead of running npm.
export default async function globalSetup(): Promise<void> {
  await prepareTemplate();
}
