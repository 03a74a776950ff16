module.exports = {
  displayName: 'node-discovery',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
