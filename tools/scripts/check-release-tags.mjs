// Every export of the published libraries is documented and says who it is for: a TSDoc comment with
// `@public` (for outside use, kept stable within a major version) or `@internal` (left out of the API
// reference). The entry points are typedoc.json's, so the check and the reference cover the same API.
// Usage: node tools/scripts/check-release-tags.mjs
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const workspace = resolve(import.meta.dirname, '../..');
const ts = createRequire(import.meta.url)('typescript');
const { entryPoints, tsconfig } = JSON.parse(readFileSync(resolve(workspace, 'typedoc.json'), 'utf8'));
const config = ts.getParsedCommandLineOfConfigFile(
  resolve(workspace, tsconfig),
  {},
  { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
);
const program = ts.createProgram(
  entryPoints.map((entry) => resolve(workspace, entry)),
  config.options,
);
const checker = program.getTypeChecker();

const problems = [];
for (const entry of entryPoints) {
  const module = checker.getSymbolAtLocation(program.getSourceFile(resolve(workspace, entry)));
  for (const exported of checker.getExportsOfModule(module)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const declaration = symbol.declarations?.[0];
    if (!declaration) continue;
    const docs = ts.getJSDocCommentsAndTags(declaration).filter(ts.isJSDoc);
    const where = `${entry}: ${exported.name}`;
    if (docs.length === 0 || !docs.some((doc) => doc.comment)) problems.push(`${where} has no TSDoc comment`);
    const tags = docs.flatMap((doc) => doc.tags ?? []).map((tag) => tag.tagName.text);
    if (!tags.includes('public') && !tags.includes('internal')) problems.push(`${where} is tagged neither @public nor @internal`);
  }
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  console.error(`${problems.length} problems: document each export and tag it @public or @internal`);
  process.exit(1);
}
console.log('release tags: every export of the published libraries is documented and tagged');
