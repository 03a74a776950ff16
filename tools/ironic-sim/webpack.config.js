const { join } = require('node:path');

// A tool, not an app: built to dist/tools/ironic-sim/main.js, where Nx's build target expects its output.
const config = require('../webpack/node-app')('ironic-sim');
config.output.path = join(__dirname, '../../dist/tools/ironic-sim');
module.exports = config;
