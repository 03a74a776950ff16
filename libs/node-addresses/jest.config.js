module.exports = {
  displayName: 'node-addresses',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
