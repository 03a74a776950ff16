// The workspace consumes each published library as an outside project does: through the package name
// and the subpaths its `exports` names, nothing else. tsconfig.base.json's path aliases are how the
// service and the CLI reach the source; this check fails when an alias names an entry point the
// package does not export, or points it at another file than the one the export is built from.
// It also checks that the built code requires exactly the package's dependencies.
// Usage: node tools/scripts/check-entry-points.mjs libs/<name>
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const workspace = resolve(import.meta.dirname, '../..');
const packageDir = resolve(process.argv[2] ?? '.');
const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const paths = JSON.parse(readFileSync(join(workspace, 'tsconfig.base.json'), 'utf8')).compilerOptions.paths;

const expected = new Map();
for (const [subpath, target] of Object.entries(pkg.exports)) {
  if (subpath === './package.json') continue;
  const built = typeof target === 'string' ? target : target.default;
  const source = built.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts');
  expected.set(subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`, relative(workspace, join(packageDir, source)));
}
const aliases = new Map(Object.entries(paths).filter(([alias]) => alias === pkg.name || alias.startsWith(`${pkg.name}/`)));

const problems = [];
for (const [alias, [target]] of aliases) {
  if (!expected.has(alias)) problems.push(`${alias} is an alias in tsconfig.base.json but not an entry point in ${pkg.name}'s exports`);
  else if (target !== expected.get(alias))
    problems.push(`${alias} points at ${target}, but the export is built from ${expected.get(alias)}`);
}
for (const alias of expected.keys())
  if (!aliases.has(alias)) problems.push(`${pkg.name} exports ${alias}, which tsconfig.base.json has no alias for`);
// The built code's bare imports are exactly the package's dependencies: none missing, none unused.
const builtImports = new Set();
for (const file of readdirSync(join(packageDir, 'dist'), { recursive: true })) {
  if (!String(file).endsWith('.js')) continue;
  for (const [, specifier] of readFileSync(join(packageDir, 'dist', String(file)), 'utf8').matchAll(/require\("([^".][^"]*)"\)/g)) {
    if (!specifier.startsWith('node:'))
      builtImports.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]);
  }
}
// An optional peer (fast-check for ironic-model's ./testing) counts as declared.
const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
for (const name of builtImports)
  if (!declared.has(name)) problems.push(`dist requires ${name}, which is not in ${pkg.name}'s dependencies`);
for (const name of declared)
  if (!builtImports.has(name) && !typeOnly(name)) problems.push(`${pkg.name} depends on ${name}, which its code never requires`);

if (problems.length > 0) {
  console.error(
    `${problems.join('\n')}\nMake tsconfig.base.json's paths name the entry points ${relative(workspace, packageDir)}/package.json exports, and its dependencies what the code requires.`,
  );
  process.exit(1);
}
console.log(
  `${pkg.name}: the workspace aliases name exactly the exported entry points (${[...expected.keys()].join(', ')}); the dependencies are what the code requires`,
);

/** A dependency needed only by the declarations (types the package's own types name). */
function typeOnly(name) {
  return readdirSync(join(packageDir, 'dist'), { recursive: true }).some(
    (file) =>
      String(file).endsWith('.d.ts') &&
      readFileSync(join(packageDir, 'dist', String(file)), 'utf8').match(new RegExp(`from ["']${name}["'/]`)),
  );
}
