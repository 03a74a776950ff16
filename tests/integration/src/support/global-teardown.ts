import { suiteGlobals } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  await Promise.all((suiteGlobals.__integrationIronics ?? []).map((ironic) => ironic.stop()));
  suiteGlobals.__integrationIronics = undefined;
}
