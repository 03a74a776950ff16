module.exports = {
  displayName: 'ironic-sim',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
