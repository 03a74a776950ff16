const { join } = require('node:path');

// Two programs: the benchmark (main.js) and the seed-style server it measures as the floor
// (floor-server.js), both in dist/tools/bench where Nx's build target expects its output.
const config = require('../webpack/node-app')('bench', {
  additionalEntryPoints: [{ entryName: 'floor-server', entryPath: './src/floor-server.ts' }],
});
config.output.path = join(__dirname, '../../dist/tools/bench');
module.exports = config;
