module.exports = {
  displayName: 'ironic-model',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
