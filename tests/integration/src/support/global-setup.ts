import { startIronic, type IronicHandle } from './ironic';
import { exportIronicEnv, IRONIC_PORTS } from './ironic-env';

/** Jest runs the global setup and teardown in the same process: the teardown finds the handles here. */
export const suiteGlobals = globalThis as typeof globalThis & { __integrationIronics?: IronicHandle[] };

/** Starts one noauth and one http_basic Ironic, in parallel, for the whole suite. */
export default async function globalSetup(): Promise<void> {
  const started = await Promise.allSettled([
    startIronic({ auth: 'noauth', port: IRONIC_PORTS.noauth, showInstanceSecrets: false }),
    startIronic({ auth: 'http_basic', port: IRONIC_PORTS.basic, showInstanceSecrets: false }),
  ]);
  const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) {
    await Promise.all(running.map((ironic) => ironic.stop()));
    throw failure.reason;
  }
  const [noauth, basic] = running;
  suiteGlobals.__integrationIronics = running;
  exportIronicEnv(noauth, basic);
}
