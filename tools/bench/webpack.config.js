const { join } = require('node:path');

// Three programs: the benchmark (main.js), the seed-style server it measures as the floor
// (floor-server.js) and the bare node:http server (bare-server.js), all in dist/tools/bench where Nx's build target expects its output.
const config = require('../webpack/node-app')('bench', {
  additionalEntryPoints: [
    { entryName: 'floor-server', entryPath: './src/floor-server.ts' },
    { entryName: 'bare-server', entryPath: './src/bare-server.ts' },
  ],
});
config.output.path = join(__dirname, '../../dist/tools/bench');
module.exports = config;
