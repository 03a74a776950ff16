// Slow senders (slowloris), in a process of their own so that the test's own requests are not queued
// behind them: `node slow-flood.cjs PORT MS ADDRESS:COUNT...`. Each connection sends a request line,
// then one header byte a second, never finishing; a closed one is opened again a second later, until
// MS have passed. The first connections are opened over a second, 500 every 100 ms, so that the
// kernel's SYN queue does not drop the nodes' own. Prints one JSON line: the connections opened.
const { connect } = require('node:net');

const [port, duration, ...specs] = process.argv.slice(2);
const open = new Set();
let opened = 0;
let stopped = false;

function start(from) {
  if (stopped) return;
  const socket = connect({ port: Number(port), host: '127.0.0.1', localAddress: from });
  socket.on('error', () => undefined);
  socket.on('connect', () => {
    opened++;
    open.add(socket);
    socket.write('GET /openstack/latest/meta_data.json HTTP/1.1\r\nHost: 169.254.169.254\r\nX-Slow: ');
  });
  socket.on('close', () => {
    open.delete(socket);
    setTimeout(() => start(from), 1000);
  });
}

const sources = specs.flatMap((spec) => {
  const [from, count] = spec.split(':');
  return Array.from({ length: Number(count) }, () => from);
});
sources.forEach((from, i) => setTimeout(() => start(from), Math.floor(i / 500) * 100));
const drip = setInterval(() => open.forEach((socket) => socket.write('x')), 1000);
setTimeout(() => {
  stopped = true;
  clearInterval(drip);
  open.forEach((socket) => socket.destroy());
  process.stdout.write(`${JSON.stringify({ opened })}\n`);
  process.exit(0);
}, Number(duration));
