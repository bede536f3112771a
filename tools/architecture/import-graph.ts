import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, resolve } from 'node:path';
import ts from 'typescript';

/** One import of one file: what it wrote, and where it lands when it lands in this repository. */
export interface ImportEdge {
  from: string;
  line: number;
  specifier: string;
  /** The package the specifier names, when it is one of this repository's. */
  toPackage?: string;
  /** The part after the package name (`testing`, `src/x`), '' for the entry point. */
  subpath?: string;
  /** The file it resolves to, from the repository root. */
  toFile?: string;
}

export interface SourceFile {
  path: string;
  /** The package whose folder holds it (the nearest package.json). */
  packageName: string;
  imports: ImportEdge[];
  /** `require(x)` or `import(x)` of something computed: invisible to readers and tools. */
  computedImports: { line: number; text: string }[];
}

export interface WorkspacePackage {
  name: string;
  dir: string;
  /** Its package.json `exports`: subpath ('.' or './testing') to file. */
  exports: Readonly<Record<string, string>>;
  /** What its package.json says it depends on (`dependencies`; not devDependencies). */
  dependencies: readonly string[];
}

const SKIPPED_DIRS = new Set(['node_modules', '.data', '.git', 'dist']);

function listTypeScript(root: string, dir: string, out: string[]): void {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    if (SKIPPED_DIRS.has(entry.name)) continue;
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) listTypeScript(root, path, out);
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
}

/** The workspace packages, from the root package.json's `workspaces` (folders with a package.json). */
export function readWorkspacePackages(root: string, extraDirs: Readonly<Record<string, string>> = {}): WorkspacePackage[] {
  const patterns = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
  const dirs: string[] = [];
  for (const pattern of patterns) {
    if (pattern.endsWith('/*')) {
      const parent = pattern.slice(0, -2);
      for (const name of readdirSync(join(root, parent))) if (existsSync(join(root, parent, name, 'package.json'))) dirs.push(`${parent}/${name}`);
    } else if (existsSync(join(root, pattern, 'package.json'))) {
      dirs.push(pattern);
    }
  }
  const packages = dirs.map((dir) => {
    const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as {
      name: string;
      exports?: Record<string, string>;
      dependencies?: Record<string, string>;
    };
    const exports = Object.fromEntries(Object.entries(manifest.exports ?? {}).map(([key, file]) => [key, normalize(join(dir, file))]));
    return { name: manifest.name, dir, exports, dependencies: Object.keys(manifest.dependencies ?? {}) };
  });
  for (const [name, dir] of Object.entries(extraDirs)) packages.push({ name, dir, exports: {}, dependencies: [] });
  return packages;
}

function packageOf(path: string, packages: readonly WorkspacePackage[]): WorkspacePackage | undefined {
  let best: WorkspacePackage | undefined;
  for (const candidate of packages) {
    if (path.startsWith(`${candidate.dir}/`) && (!best || candidate.dir.length > best.dir.length)) best = candidate;
  }
  return best;
}

function resolveFile(root: string, base: string, extraFiles: Readonly<Record<string, string>> = {}): string | undefined {
  for (const candidate of [`${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`, base]) {
    if (candidate in extraFiles) return candidate;
    const full = join(root, candidate);
    if (existsSync(full) && statSync(full).isFile()) return candidate;
  }
  return undefined;
}

/** `@scope/name/rest` or `name/rest` into the package name and the rest. */
function splitSpecifier(specifier: string): { name: string; subpath: string } {
  const parts = specifier.split('/');
  const size = specifier.startsWith('@') ? 2 : 1;
  return { name: parts.slice(0, size).join('/'), subpath: parts.slice(size).join('/') };
}

/**
 * `require(…)` and `import(…)` whose argument is not a string literal, found with the
 * TypeScript scanner so that comments and strings (a child process's script, say) are
 * passed over.
 */
function findComputedImports(text: string): { position: number; text: string }[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text);
  const found: { position: number; text: string }[] = [];
  // Braces opened inside template substitutions: a `}` that closes one resumes the template.
  const braces: ('code' | 'template')[] = [];
  let previous: ts.SyntaxKind | undefined;
  let callee: { position: number; name: string } | undefined;
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    if (token === ts.SyntaxKind.TemplateHead) braces.push('template');
    else if (token === ts.SyntaxKind.OpenBraceToken) braces.push('code');
    else if (token === ts.SyntaxKind.CloseBraceToken && braces.pop() === 'template') {
      token = scanner.reScanTemplateToken(false);
      if (token === ts.SyntaxKind.TemplateMiddle) braces.push('template');
    } else if (token === ts.SyntaxKind.SlashToken || token === ts.SyntaxKind.SlashEqualsToken) {
      if (previous === undefined || previous === ts.SyntaxKind.OpenParenToken || previous === ts.SyntaxKind.EqualsToken || previous === ts.SyntaxKind.CommaToken) {
        token = scanner.reScanSlashToken();
      }
    }
    if (callee && previous === ts.SyntaxKind.OpenParenToken) {
      const literal = token === ts.SyntaxKind.StringLiteral || token === ts.SyntaxKind.NoSubstitutionTemplateLiteral;
      if (!literal) found.push({ position: callee.position, text: `${callee.name}(${text.slice(scanner.getTokenStart(), scanner.getTokenEnd())}…)` });
      callee = undefined;
    }
    const isCallee = token === ts.SyntaxKind.RequireKeyword || token === ts.SyntaxKind.ImportKeyword;
    // `x.require(…)` is somebody's method, not a module load.
    if (isCallee && previous !== ts.SyntaxKind.DotToken) callee = { position: scanner.getTokenStart(), name: scanner.getTokenText() };
    else if (token !== ts.SyntaxKind.OpenParenToken) callee = undefined;
    previous = token;
  }
  return found;
}

/**
 * Every TypeScript file of the repository with its imports, read with the TypeScript
 * compiler's own import scanner. `extraFiles` adds or replaces files (path to text) without
 * writing them: the tests use it to show that a forbidden import is caught.
 */
export function readImportGraph(
  rootDir: string,
  options: { extraFiles?: Readonly<Record<string, string>>; extraPackageDirs?: Readonly<Record<string, string>> } = {},
): { packages: WorkspacePackage[]; files: SourceFile[] } {
  const root = resolve(rootDir);
  const packages = readWorkspacePackages(root, options.extraPackageDirs);
  const paths: string[] = [];
  for (const pkg of packages) listTypeScript(root, pkg.dir, paths);
  for (const extra of Object.keys(options.extraFiles ?? {})) if (!paths.includes(extra)) paths.push(extra);
  const byName = new Map(packages.map((p) => [p.name, p]));

  const files = paths.flatMap((path): SourceFile[] => {
    const owner = packageOf(path, packages);
    if (!owner) return [];
    const text = options.extraFiles?.[path] ?? readFileSync(join(root, path), 'utf8');
    const scanned = ts.preProcessFile(text, true, true);
    const lineOf = (position: number) => text.slice(0, position).split('\n').length;
    const imports = scanned.importedFiles.map((ref): ImportEdge => {
      const edge: ImportEdge = { from: path, line: lineOf(ref.pos), specifier: ref.fileName };
      if (ref.fileName.startsWith('.')) {
        const target = resolveFile(root, normalize(join(dirname(path), ref.fileName)), options.extraFiles) ?? normalize(join(dirname(path), ref.fileName));
        const targetPackage = packageOf(target, packages);
        return { ...edge, toFile: target, ...(targetPackage ? { toPackage: targetPackage.name, subpath: relative(targetPackage.dir, target) } : {}) };
      }
      const { name, subpath } = splitSpecifier(ref.fileName);
      const target = byName.get(name);
      if (!target) return edge;
      const exported = target.exports[subpath ? `./${subpath}` : '.'];
      const toFile = exported ?? resolveFile(root, join(target.dir, subpath));
      return { ...edge, toPackage: name, subpath, ...(toFile ? { toFile } : {}) };
    });
    const computedImports = findComputedImports(text).map((found) => ({ line: lineOf(found.position), text: found.text }));
    return [{ path, packageName: owner.name, imports, computedImports }];
  });
  return { packages, files };
}
