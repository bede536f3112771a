import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';

/** One environment variable a service's code reads, and where. */
export interface EnvRead {
  name: string;
  /** `file:line` of the read, relative to the repository root. */
  at: string;
}

/**
 * A family of variables the code finds by enumerating the environment (say,
 * `SUBGRAPH_URL_<NAME>`), recognised by the anchored regular expression next to the
 * enumeration. `prefix` is empty when no such expression was found.
 */
export interface EnvFamily {
  prefix: string;
  at: string;
}

/** A read whose variable name the scanner could not work out (a computed key). */
export interface DynamicEnvRead {
  expression: string;
  at: string;
}

export interface ServiceEnvReads {
  reads: EnvRead[];
  families: EnvFamily[];
  dynamic: DynamicEnvRead[];
  /** Source files whose top level runs when the service starts (for diagnostics). */
  modules: string[];
}

/**
 * Finds the environment variables a process reads, starting at its entry point and
 * following the code that can run, not just every file it imports: modules reached by
 * runtime imports run their top level; functions, classes and constants run only if
 * something that runs refers to them. A BFF imports the platform, say, but only calls
 * `readGatewaySecret` from it, so it must not be charged with the `DATABASE_URL` that
 * `readDatabaseUrl` beside it reads. Third-party code is out of
 * scope: what it reads (PG*, proxies) is not part of this project's configuration.
 *
 * A read is `process.env.X`, `env.X`, `env['X']` or `env[CONSTANT]` on anything named
 * `env` or typed like an environment (`Record<string, string | undefined>`), a
 * destructuring of one, or a call to a helper shaped like the kit's (a function with an
 * `env` and a `name` parameter, see `platform/src/config/env.ts`) with the name as
 * a literal or a constant.
 */
export function scanEnvReads(repoRoot: string, entries: readonly string[]): Map<string, ServiceEnvReads> {
  const configPath = resolve(repoRoot, 'tsconfig.json');
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, repoRoot);
  const roots = entries.map((entry) => resolve(repoRoot, entry));
  const program = ts.createProgram({ rootNames: roots, options: { ...parsed.options, noEmit: true } });
  const checker = program.getTypeChecker();
  const result = new Map<string, ServiceEnvReads>();
  for (const [i, entry] of entries.entries()) {
    const source = program.getSourceFile(roots[i]!);
    if (!source) throw new Error(`${entry}: not found`);
    result.set(entry, new ServiceScan(program, checker, repoRoot).run(source));
  }
  return result;
}

class ServiceScan {
  private readonly visitedNodes = new Set<ts.Node>();
  private readonly executedModules = new Set<ts.SourceFile>();
  private readonly queue: ts.Node[] = [];
  private readonly reads = new Map<string, EnvRead>();
  private readonly families: EnvFamily[] = [];
  private readonly dynamic: DynamicEnvRead[] = [];

  constructor(
    private readonly program: ts.Program,
    private readonly checker: ts.TypeChecker,
    private readonly repoRoot: string,
  ) {}

  run(entry: ts.SourceFile): ServiceEnvReads {
    this.execute(entry);
    while (this.queue.length > 0) this.visit(this.queue.pop()!);
    return {
      reads: [...this.reads.values()].sort((a, b) => a.name.localeCompare(b.name)),
      families: this.families,
      dynamic: this.dynamic,
      modules: [...this.executedModules].map((file) => this.relative(file.fileName)).sort(),
    };
  }

  private isOwnCode(file: ts.SourceFile): boolean {
    return !file.isDeclarationFile && !file.fileName.includes('/node_modules/') && !relative(this.repoRoot, file.fileName).startsWith('..');
  }

  private relative(fileName: string): string {
    return relative(this.repoRoot, fileName);
  }

  private at(node: ts.Node): string {
    const file = node.getSourceFile();
    return `${this.relative(file.fileName)}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  }

  /** A module's top level runs once something that runs imports it (a type-only import does not). */
  private execute(file: ts.SourceFile): void {
    if (this.executedModules.has(file) || !this.isOwnCode(file)) return;
    this.executedModules.add(file);
    for (const statement of file.statements) {
      if (ts.isImportDeclaration(statement)) {
        if (!statement.importClause?.isTypeOnly) this.executeModule(statement.moduleSpecifier, file);
      } else if (ts.isExportDeclaration(statement)) {
        if (statement.moduleSpecifier && !statement.isTypeOnly) this.executeModule(statement.moduleSpecifier, file);
      } else if (ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference)) {
        this.executeModule(statement.moduleReference.expression, file);
      } else if (!ts.isFunctionDeclaration(statement) && !ts.isInterfaceDeclaration(statement) && !ts.isTypeAliasDeclaration(statement)) {
        // Variable initialisers, expression statements, classes (their static parts run
        // on load; the rest is charged to the service too, which errs on the safe side).
        this.queue.push(statement);
      }
    }
  }

  private executeModule(specifier: ts.Expression, from: ts.SourceFile): void {
    if (!ts.isStringLiteralLike(specifier)) return;
    const resolved = ts.resolveModuleName(specifier.text, from.fileName, this.program.getCompilerOptions(), ts.sys).resolvedModule;
    const target = resolved && this.program.getSourceFile(resolved.resolvedFileName);
    if (target) this.execute(target);
    else if (specifier.text.startsWith('.')) throw new Error(`${this.at(specifier)}: cannot resolve ${specifier.text} from ${dirname(from.fileName)}`);
  }

  private visit(node: ts.Node): void {
    const walk = (child: ts.Node): void => {
      // A declaration queued on its own may sit inside one visited before (or after): once is enough.
      if (this.visitedNodes.has(child)) return;
      this.visitedNodes.add(child);
      if (ts.isTypeNode(child) || ts.isInterfaceDeclaration(child) || ts.isTypeAliasDeclaration(child)) return;
      this.inspect(child);
      if (ts.isIdentifier(child) || ts.isPrivateIdentifier(child)) this.follow(child);
      ts.forEachChild(child, walk);
    };
    walk(node);
  }

  /** Queues the declaration an identifier refers to, if it is our own code that can run. */
  private follow(identifier: ts.Identifier | ts.PrivateIdentifier): void {
    let symbol = this.checker.getSymbolAtLocation(identifier);
    if (!symbol) return;
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = this.checker.getAliasedSymbol(symbol);
    for (const declaration of symbol.declarations ?? []) {
      const file = declaration.getSourceFile();
      if (!this.isOwnCode(file) || ts.isParameter(declaration) || ts.isSourceFile(declaration)) continue;
      this.queue.push(declaration);
    }
    // `require('./x')` and `import('./x')` run a module, too.
    const call = identifier.parent;
    if (ts.isCallExpression(call) && call.expression === identifier && identifier.text === 'require' && call.arguments[0]) {
      this.executeModule(call.arguments[0], identifier.getSourceFile());
    }
  }

  private inspect(node: ts.Node): void {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0]) {
      this.executeModule(node.arguments[0], node.getSourceFile());
      return;
    }
    if (ts.isPropertyAccessExpression(node) && this.isEnv(node.expression) && !this.isWrite(node)) {
      if (!ts.isCallExpression(node.parent) || node.parent.expression !== node) this.record(node.name.text, node);
      return;
    }
    if (ts.isElementAccessExpression(node) && this.isEnv(node.expression) && !this.isWrite(node)) {
      this.recordKey(node.argumentExpression, node);
      return;
    }
    if (ts.isVariableDeclaration(node) && node.initializer && ts.isObjectBindingPattern(node.name) && this.isEnv(node.initializer)) {
      for (const element of node.name.elements) {
        const key = element.propertyName ?? element.name;
        if (ts.isIdentifier(key) || ts.isStringLiteral(key)) this.record(key.text, element);
        else this.dynamic.push({ expression: element.getText(), at: this.at(element) });
      }
      return;
    }
    if (ts.isCallExpression(node)) {
      this.inspectHelperCall(node);
      this.inspectEnumeration(node);
    }
    if (ts.isForInStatement(node) && this.isEnv(node.expression)) this.recordFamily(node);
  }

  /** `readString(env, 'HOST', …)`: a call to a function with `env` and `name` parameters. */
  private inspectHelperCall(call: ts.CallExpression): void {
    const signature = this.checker.getResolvedSignature(call);
    const declaration = signature?.getDeclaration();
    if (!declaration || !this.isEnvHelper(declaration)) return;
    const nameIndex = declaration.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === 'name');
    const argument = call.arguments[nameIndex];
    if (argument) this.recordKey(argument, call);
  }

  /** `Object.entries(env)` and friends: the code looks for variables by pattern. */
  private inspectEnumeration(call: ts.CallExpression): void {
    const callee = call.expression;
    if (!ts.isPropertyAccessExpression(callee) || callee.expression.getText() !== 'Object') return;
    if (!['entries', 'keys', 'values'].includes(callee.name.text)) return;
    if (call.arguments[0] && this.isEnv(call.arguments[0])) this.recordFamily(call);
  }

  private recordFamily(node: ts.Node): void {
    // The pattern is the anchored regular expression in the same function.
    let scope: ts.Node = node;
    while (!ts.isFunctionLike(scope) && !ts.isSourceFile(scope)) scope = scope.parent;
    const prefixes: string[] = [];
    const find = (child: ts.Node): void => {
      if (child.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const match = /^\/\^([A-Z][A-Z0-9_]*)/.exec(child.getText());
        if (match) prefixes.push(match[1]!);
      }
      ts.forEachChild(child, find);
    };
    find(scope);
    if (prefixes.length === 0) this.families.push({ prefix: '', at: this.at(node) });
    for (const prefix of prefixes) this.families.push({ prefix, at: this.at(node) });
  }

  private recordKey(key: ts.Expression, node: ts.Node): void {
    if (ts.isStringLiteralLike(key)) return this.record(key.text, node);
    if (this.isForwardedName(key)) return;
    const type = this.checker.getTypeAtLocation(key);
    const literals = type.isUnion() ? type.types : [type];
    if (literals.every((t) => t.isStringLiteral())) {
      for (const literal of literals) this.record((literal as ts.StringLiteralType).value, node);
      return;
    }
    this.dynamic.push({ expression: node.getText(), at: this.at(node) });
  }

  /** Inside a helper, `env[name]` reads whatever its callers name; they are recorded there. */
  private isForwardedName(key: ts.Expression): boolean {
    if (!ts.isIdentifier(key)) return false;
    const declaration = this.checker.getSymbolAtLocation(key)?.valueDeclaration;
    return !!declaration && ts.isParameter(declaration) && ts.isIdentifier(declaration.name) && declaration.name.text === 'name' && this.isEnvHelper(declaration.parent);
  }

  private readonly helpers = new Map<ts.Node, boolean>();

  /**
   * A helper like the kit's `readString(env, name, fallback)`: it has `env` and `name`
   * parameters and reads `env[name]`, itself or through another helper. (Having the two
   * parameters is not enough: `readSubgraphConfig(name, port, env)` takes a subgraph's name.)
   */
  private isEnvHelper(declaration: ts.Node): boolean {
    if (!ts.isFunctionLike(declaration)) return false;
    const cached = this.helpers.get(declaration);
    if (cached !== undefined) return cached;
    const parameter = (name: string) => declaration.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === name);
    const env = parameter('env');
    const name = parameter('name');
    if (!env || !name || !('body' in declaration) || !declaration.body) return false;
    this.helpers.set(declaration, false); // a recursive helper is decided by its other paths
    const refersTo = (node: ts.Node, target: ts.ParameterDeclaration) =>
      ts.isIdentifier(node) && this.checker.getSymbolAtLocation(node)?.valueDeclaration === target;
    let found = false;
    const search = (node: ts.Node): void => {
      if (found) return;
      if (ts.isElementAccessExpression(node) && refersTo(node.expression, env) && refersTo(node.argumentExpression, name)) found = true;
      else if (ts.isCallExpression(node)) {
        const callee = this.checker.getResolvedSignature(node)?.getDeclaration();
        if (callee && callee !== declaration && this.isEnvHelper(callee)) {
          const index = callee.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === 'name');
          const argument = node.arguments[index];
          if (argument && refersTo(argument, name)) found = true;
        }
      }
      if (!found) ts.forEachChild(node, search);
    };
    search(declaration.body);
    this.helpers.set(declaration, found);
    return found;
  }

  private record(name: string, node: ts.Node): void {
    if (!this.reads.has(name)) this.reads.set(name, { name, at: this.at(node) });
  }

  private isWrite(node: ts.Expression): boolean {
    const parent = node.parent;
    if (ts.isBinaryExpression(parent) && parent.left === node && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) return true;
    return ts.isDeleteExpression(parent);
  }

  /** `process.env`, anything called `env`, or anything typed as a string-to-string-or-undefined map. */
  private isEnv(expression: ts.Expression): boolean {
    const inner = skipParentheses(expression);
    if (ts.isPropertyAccessExpression(inner) && inner.name.text === 'env') return true;
    if (ts.isIdentifier(inner) && /^env$/i.test(inner.text)) return true;
    if (!ts.isIdentifier(inner) && !ts.isPropertyAccessExpression(inner)) return false;
    const type = this.checker.getTypeAtLocation(inner);
    const index = this.checker.getIndexInfosOfType(type).find((info) => info.keyType.flags & ts.TypeFlags.String);
    if (!index || !index.type.isUnion()) return false;
    const kinds = index.type.types.map((t) => t.flags);
    return kinds.length === 2 && kinds.some((f) => f & ts.TypeFlags.String) && kinds.some((f) => f & ts.TypeFlags.Undefined);
  }
}

function skipParentheses(expression: ts.Expression): ts.Expression {
  let inner = expression;
  while (ts.isParenthesizedExpression(inner) || ts.isNonNullExpression(inner) || ts.isAsExpression(inner)) inner = inner.expression;
  return inner;
}
