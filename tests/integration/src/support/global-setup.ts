import { startIronic, type IronicHandle } from './ironic';
import { exportIronicEnv } from './ironic-env';
import { freePort } from './processes';

/** Jest runs the global setup and teardown in the same process: the teardown finds the handles here. */
export const suiteGlobals = globalThis as typeof globalThis & { __integrationIronics?: IronicHandle[] };

/**
 * Starts one noauth and one http_basic Ironic, in parallel, for the whole suite, on free ports so that
 * two suites on one machine never share (or fight over) an Ironic.
 */
export default async function globalSetup(): Promise<void> {
  const noauthPort = await freePort();
  let basicPort = await freePort();
  // A port freed a moment ago may be handed out again at once.
  while (basicPort === noauthPort) basicPort = await freePort();
  const started = await Promise.allSettled([
    startIronic({ auth: 'noauth', port: noauthPort, showInstanceSecrets: false }),
    startIronic({ auth: 'http_basic', port: basicPort, showInstanceSecrets: false }),
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
