import { connect } from 'node:net';

/** Sends bytes as they are, for requests no HTTP client would make; resolves with the status code. */
export function rawRequest(port: number, bytes: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(bytes));
    let answer = '';
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer within 5 s')));
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(answer);
      if (status) resolve(Number(status[1]));
      else reject(new Error(`not an HTTP answer: ${JSON.stringify(answer.slice(0, 80))}`));
    });
  });
}
