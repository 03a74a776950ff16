import { connect } from 'node:net';
import type { ChildHandle } from './child-process';

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Resolves once `child` accepts connections on 127.0.0.1:`port`; fails if it exits or takes longer than `timeoutMs`. */
export async function waitForListening(port: number, child: ChildHandle, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(port))) {
    if (child.hasExited()) throw new Error(`${child.name} exited before it listened:\n${child.logTail()}`);
    if (Date.now() > deadline)
      throw new Error(`${child.name} did not listen on 127.0.0.1:${port} within ${timeoutMs} ms:\n${child.logTail()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
