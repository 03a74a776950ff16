const { BannerPlugin } = require('webpack');
const config = require('../../tools/webpack/node-app')('cli');

// The package's bin runs main.js directly.
config.plugins.push(new BannerPlugin({ banner: '#!/usr/bin/env node', raw: true }));
module.exports = config;
