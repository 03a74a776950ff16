// Writes the README's configuration table from the settings table (libs/config/src/lib/settings.ts),
// between the `settings:begin` and `settings:end` markers. `npm run docs:settings`; the config spec
// fails while the README differs from what this writes.
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const ts = require('typescript');

// The settings modules import only zod, node: modules and each other: compile them as they load.
require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    fileName: filename,
  });
  module._compile(outputText, filename);
};
const { settingsMarkdownTable, replaceSettingsSection } = require('../../libs/config/src/lib/settings-docs.ts');

const readme = join(__dirname, '../../README.md');
const before = readFileSync(readme, 'utf8');
const after = replaceSettingsSection(before, settingsMarkdownTable());
if (after === before) console.log('README.md: the configuration table is up to date');
else {
  writeFileSync(readme, after);
  console.log('README.md: configuration table written from libs/config/src/lib/settings.ts');
}
