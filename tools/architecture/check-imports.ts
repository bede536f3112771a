import { isTestCode, PACKAGES } from './layers';
import { readImportGraph, type SourceFile } from './import-graph';

export interface Violation {
  file: string;
  line: number;
  rule:
    | 'forbidden-edge'
    | 'deep-import'
    | 'relative-across-packages'
    | 'testing-in-source'
    | 'computed-import'
    | 'circle'
    | 'unknown-package'
    | 'undeclared-dependency'
    | 'unused-dependency';
  message: string;
}

/**
 * Holds the code to the layers: every import of another package goes through one of its
 * entry points (its package.json `exports`) and along an edge `layers.ts` allows; source
 * code never imports test support; no import is computed; no files import each other in a
 * circle. Returns every violation, in file order.
 */
export function checkImports(
  root: string,
  options: { extraFiles?: Readonly<Record<string, string>> } = {},
): Violation[] {
  const extraPackageDirs = { '@bff/deploy': 'deploy' };
  const { packages, files } = readImportGraph(root, { ...options, extraPackageDirs });
  const violations: Violation[] = [];

  for (const pkg of packages) {
    if (!PACKAGES[pkg.name]) {
      violations.push({ file: `${pkg.dir}/package.json`, line: 1, rule: 'unknown-package', message: `${pkg.name} has no place in tools/architecture/layers.ts` });
    } else if (PACKAGES[pkg.name]!.dir !== pkg.dir) {
      violations.push({ file: `${pkg.dir}/package.json`, line: 1, rule: 'unknown-package', message: `${pkg.name} is in ${pkg.dir}, layers.ts says ${PACKAGES[pkg.name]!.dir}` });
    }
  }

  for (const file of files) {
    const test = isTestCode(file.path);
    for (const computed of file.computedImports) {
      violations.push({ file: file.path, line: computed.line, rule: 'computed-import', message: `${computed.text}: import by a computed path; name the module` });
    }
    for (const edge of file.imports) {
      if (!edge.toPackage || edge.toPackage === file.packageName) continue;
      const at = { file: file.path, line: edge.line };
      const target = packages.find((p) => p.name === edge.toPackage)!;
      if (edge.specifier.startsWith('.')) {
        violations.push({ ...at, rule: 'relative-across-packages', message: `"${edge.specifier}" reaches into ${edge.toPackage} by a relative path; import "${edge.toPackage}"` });
        continue;
      }
      const subpathKey = edge.subpath ? `./${edge.subpath}` : '.';
      if (!(subpathKey in target.exports)) {
        const entries = Object.keys(target.exports).map((k) => (k === '.' ? edge.toPackage : `${edge.toPackage}/${k.slice(2)}`));
        violations.push({ ...at, rule: 'deep-import', message: `"${edge.specifier}" is not an entry point of ${edge.toPackage} (entry points: ${entries.join(', ') || 'none'})` });
        continue;
      }
      if (test) continue;
      if (/\/testing$/.test(edge.subpath ?? '') || edge.subpath === 'testing') {
        violations.push({ ...at, rule: 'testing-in-source', message: `"${edge.specifier}" is test support; source code may not import it` });
        continue;
      }
      const allowed = PACKAGES[file.packageName]?.mayImport ?? [];
      if (!allowed.includes(edge.toPackage)) {
        violations.push({
          ...at,
          rule: 'forbidden-edge',
          message: `${file.packageName} may not import ${edge.toPackage} (it may import: ${allowed.join(', ') || 'nothing of this repository'})`,
        });
      } else if (!packages.find((p) => p.name === file.packageName)?.dependencies.includes(edge.toPackage)) {
        violations.push({ ...at, rule: 'undeclared-dependency', message: `${file.packageName} imports ${edge.toPackage} but its package.json does not list it in dependencies` });
      }
    }
  }

  // A listed workspace dependency that no source file uses is a layer edge nobody needs.
  for (const pkg of packages) {
    const used = new Set(
      files.filter((f) => f.packageName === pkg.name && !isTestCode(f.path)).flatMap((f) => f.imports.map((e) => e.toPackage).filter((p): p is string => !!p)),
    );
    for (const dependency of pkg.dependencies) {
      if (PACKAGES[dependency] && !used.has(dependency)) {
        violations.push({ file: `${pkg.dir}/package.json`, line: 1, rule: 'unused-dependency', message: `${pkg.name} lists ${dependency} in dependencies, but no source file imports it` });
      }
    }
  }
  violations.push(...findCircles(files.filter((f) => !isTestCode(f.path))));
  return violations.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

/** Files that import each other in a loop (Tarjan's strongly connected components over file imports, type imports included). */
function findCircles(files: readonly SourceFile[]): Violation[] {
  const known = new Set(files.map((f) => f.path));
  const next = new Map(files.map((f) => [f.path, [...new Set(f.imports.map((e) => e.toFile).filter((t): t is string => !!t && known.has(t)))]]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  let counter = 0;
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) circles.push(component.sort());
    }
  };
  for (const file of files) if (!index.has(file.path)) visit(file.path);
  return circles.map((members) => ({
    file: members[0]!,
    line: 1,
    rule: 'circle' as const,
    message: `these files import each other in a circle: ${members.join(' -> ')}`,
  }));
}

export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.file}:${v.line}: ${v.rule}: ${v.message}`).join('\n');
}
