module.exports = {
  displayName: 'metadata-server',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
