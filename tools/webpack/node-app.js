const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('node:path');

/**
 * The webpack configuration of a Node.js app of this workspace: `dist/apps/<name>/main.js`.
 * ts-loader compiles with TypeScript itself, so decorator metadata is emitted for Inversify;
 * npm dependencies stay external and load from node_modules.
 */
module.exports = function nodeAppConfig(name, options = {}) {
  return {
    output: { path: join(__dirname, '../../dist/apps', name) },
    devtool: 'source-map',
    plugins: [
      new NxAppWebpackPlugin({
        target: 'node',
        compiler: 'tsc',
        main: './src/main.ts',
        tsConfig: './tsconfig.app.json',
        outputHashing: 'none',
        optimization: false,
        sourceMap: true,
        generatePackageJson: false,
        externalDependencies: 'all',
        ...options,
      }),
    ],
  };
};
