module.exports = require('../../tools/webpack/node-app')('metadata-server');
