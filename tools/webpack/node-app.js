const { join, resolve, sep } = require('node:path');
const { TsconfigPathsPlugin } = require('tsconfig-paths-webpack-plugin');

const WORKSPACE = resolve(__dirname, '../..');

/**
 * The webpack configuration of a Node.js program of this workspace: `dist/apps/<name>/main.js`,
 * with the workspace's libraries bundled in (through the tsconfig paths) and npm packages left to
 * load from node_modules. ts-loader compiles with TypeScript itself, so decorator metadata is
 * emitted for Inversify; the `typecheck` targets do the type checking, so it only transpiles here.
 *
 * `options.additionalEntryPoints`: more programs from the same project, `[{entryName, entryPath}]`.
 */
module.exports = function nodeAppConfig(name, options = {}) {
  const projectDir = process.cwd();
  const entry = { main: './src/main.ts' };
  for (const extra of options.additionalEntryPoints ?? []) entry[extra.entryName] = extra.entryPath;
  return {
    mode: 'production',
    target: 'node20',
    context: projectDir,
    entry,
    devtool: 'source-map',
    output: { path: join(WORKSPACE, 'dist/apps', name), filename: '[name].js', chunkFilename: '[name].chunk.js', clean: true },
    resolve: {
      extensions: ['.ts', '.js', '.json'],
      plugins: [new TsconfigPathsPlugin({ configFile: join(WORKSPACE, 'tsconfig.base.json') })],
    },
    module: {
      rules: [
        {
          test: /\.ts$/,
          loader: 'ts-loader',
          // ES modules (not the tsconfig's CommonJS, which Jest and tsc use), so that webpack bundles
          // only what a program uses of a library, and an `import()` loads its modules when called.
          options: { configFile: join(projectDir, 'tsconfig.app.json'), transpileOnly: true, compilerOptions: { module: 'es2022' } },
        },
        // Our libraries run nothing when imported: of a library's entry point, a program gets the
        // modules behind what it imports, not all of them (a cluster's primary, the bench's servers).
        { include: join(WORKSPACE, 'libs') + sep, sideEffects: false },
      ],
    },
    // Anything that is not a relative path or one of our own libraries is an npm package or a Node built-in.
    externals: [
      ({ request }, callback) => (/^[./]|^@ironic-metadata\//.test(request) ? callback() : callback(null, `commonjs ${request}`)),
    ],
    optimization: { minimize: false, nodeEnv: false },
    node: { __dirname: false, __filename: false },
    performance: { hints: false },
    plugins: [],
  };
};
