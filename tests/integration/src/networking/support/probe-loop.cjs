// A client that keeps asking one URL, run inside a network namespace by client-loop.ts:
//   node probe-loop.cjs URL INTERVAL_MS TIMEOUT_MS MAX_MS
// One JSON line a request: {"t": epoch ms at the start, "ms", "status" (0: no answer), "body" | "error"}.
// A new connection each time (no keep-alive), as a booting node's client makes them. Stops after
// MAX_MS, or on SIGTERM.
'use strict';
const http = require('node:http');

const [url, intervalMs, timeoutMs, maxMs] = [process.argv[2], ...process.argv.slice(3, 6).map(Number)];
const startedAt = Date.now();
let stopping = false;
process.on('SIGTERM', () => (stopping = true));

function probe() {
  return new Promise((resolve) => {
    const t = Date.now();
    const done = (fields) => resolve(process.stdout.write(JSON.stringify({ t, ms: Date.now() - t, ...fields }) + '\n'));
    const request = http.get(url, { agent: false, timeout: timeoutMs }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => done({ status: response.statusCode, body }));
      response.on('error', (error) => done({ status: 0, error: error.message }));
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (error) => done({ status: 0, error: error.code || error.message }));
  });
}

(async () => {
  while (!stopping && Date.now() - startedAt < maxMs) {
    const t = Date.now();
    await probe();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, intervalMs - (Date.now() - t))));
  }
  process.exit(0);
})();
