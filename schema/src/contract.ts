import { Supergraph, ROUTER_SUPPORTED_SUPERGRAPH_FEATURES, defaultPrintOptions, printSchema, type PrintOptions } from '@apollo/federation-internals';
import {
  Kind,
  parse,
  print,
  type ConstDirectiveNode,
  type DefinitionNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type InputValueDefinitionNode,
  type TypeNode,
} from 'graphql';

/**
 * A contract, the way GraphOS contracts work: every schema element tagged with one of
 * `excludeTags` becomes `@inaccessible` in the supergraph, and so does whatever that leaves
 * unusable (fields returning a hidden type, types with no visible field, types no client
 * can reach any more). The query planner still sees every element, so a hidden field can
 * still serve a `@requires`; the API schema, what the client can query and introspect,
 * does not contain them.
 */
export interface ContractOptions {
  excludeTags: readonly string[];
}

export interface ContractResult {
  /** The supergraph with the contract applied: what the client's gateway loads. */
  supergraphSdl: string;
  /** The schema the client sees. */
  apiSchemaSdl: string;
  /** What the contract hid, as `Type` or `Type.field` coordinates, sorted. */
  hidden: string[];
}

export class ContractError extends Error {
  override name = 'ContractError';
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type TypeDefinition = Extract<DefinitionNode, { name: { value: string } }> & { kind: TypeKind };
type TypeKind =
  | Kind.OBJECT_TYPE_DEFINITION
  | Kind.INTERFACE_TYPE_DEFINITION
  | Kind.UNION_TYPE_DEFINITION
  | Kind.ENUM_TYPE_DEFINITION
  | Kind.INPUT_OBJECT_TYPE_DEFINITION
  | Kind.SCALAR_TYPE_DEFINITION;

const TYPE_KINDS = new Set<string>([
  Kind.OBJECT_TYPE_DEFINITION,
  Kind.INTERFACE_TYPE_DEFINITION,
  Kind.UNION_TYPE_DEFINITION,
  Kind.ENUM_TYPE_DEFINITION,
  Kind.INPUT_OBJECT_TYPE_DEFINITION,
  Kind.SCALAR_TYPE_DEFINITION,
]);
const BUILT_IN_SCALARS = new Set(['String', 'Int', 'Float', 'Boolean', 'ID']);

const namedType = (type: TypeNode): string => (type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type));
const isRequired = (input: InputValueDefinitionNode) => input.type.kind === Kind.NON_NULL_TYPE && !input.defaultValue;
/** Federation's own types (join__Graph, link__Import, …) are machinery, never API. */
const isMachinery = (name: string) => name.includes('__');

function tagsOf(directives: readonly ConstDirectiveNode[] | undefined): string[] {
  return (directives ?? [])
    .filter((d) => d.name.value === 'tag')
    .map((d) => d.arguments?.find((a) => a.name.value === 'name')?.value)
    .flatMap((v) => (v?.kind === Kind.STRING ? [v.value] : []));
}

const hasInaccessible = (directives: readonly ConstDirectiveNode[] | undefined) =>
  (directives ?? []).some((d) => d.name.value === 'inaccessible');

const INACCESSIBLE: ConstDirectiveNode = { kind: Kind.DIRECTIVE, name: { kind: Kind.NAME, value: 'inaccessible' }, arguments: [] };

const INACCESSIBLE_URL = 'https://specs.apollo.dev/inaccessible/v0.2';
const INACCESSIBLE_DEFINITION = parse(
  'directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION',
).definitions[0]!;

/** A supergraph whose subgraphs never used @inaccessible does not link it yet; the contract needs it. */
function ensureInaccessibleLinked(document: Mutable<DocumentNode>): void {
  const defined = document.definitions.some((d) => d.kind === Kind.DIRECTIVE_DEFINITION && d.name.value === 'inaccessible');
  if (defined) return;
  const link = parse(`extend schema @link(url: "${INACCESSIBLE_URL}", for: SECURITY)`).definitions[0] as { directives: readonly ConstDirectiveNode[] };
  document.definitions = document.definitions.map((d) =>
    d.kind === Kind.SCHEMA_DEFINITION ? { ...d, directives: [...(d.directives ?? []), ...link.directives] } : d,
  );
  document.definitions = [...document.definitions, INACCESSIBLE_DEFINITION];
}

/**
 * The API schema as the BFFs serve it (`supergraph-state.ts`: `apiSchema().toGraphQLJSSchema({ includeDefer: true })`):
 * with the `@defer` directive definition, which `printSchema` leaves out as a built-in, so that
 * client operations using @defer validate against the checked-in file. Not `@stream`: the BFFs
 * do not answer it.
 */
const API_SCHEMA_PRINT: PrintOptions = {
  ...defaultPrintOptions,
  showAllBuiltIns: true,
  directiveDefinitionFilter: (directive) => !directive.isBuiltIn || directive.name === 'defer',
  typeFilter: (type) => !type.isBuiltIn,
};

export function applyContract(supergraphSdl: string, options: ContractOptions): ContractResult {
  const excluded = new Set(options.excludeTags);
  const document = parse(supergraphSdl) as Mutable<DocumentNode>;
  const types = new Map<string, TypeDefinition>();
  for (const definition of document.definitions) {
    if (TYPE_KINDS.has(definition.kind)) {
      const typed = definition as TypeDefinition;
      types.set(typed.name.value, typed);
    }
  }
  const roots = ['Query', 'Mutation', 'Subscription'].filter((name) => types.has(name));

  // Hidden elements, by coordinate: `Type`, `Type.field`, `Type.field(arg:)`, `Enum.VALUE`.
  const hidden = new Set<string>();
  const hide = (coordinate: string): boolean => (hidden.has(coordinate) ? false : (hidden.add(coordinate), true));
  const hiddenBy = (directives: readonly ConstDirectiveNode[] | undefined) =>
    hasInaccessible(directives) || tagsOf(directives).some((tag) => excluded.has(tag));

  const fieldsOf = (type: TypeDefinition): readonly (FieldDefinitionNode | InputValueDefinitionNode)[] =>
    'fields' in type && type.fields ? type.fields : [];

  // 1. What the tags (or an existing @inaccessible) hide.
  for (const [name, type] of types) {
    if (hiddenBy(type.directives)) hide(name);
    for (const field of fieldsOf(type)) {
      if (hiddenBy(field.directives)) hide(`${name}.${field.name.value}`);
      for (const arg of 'arguments' in field ? (field.arguments ?? []) : []) {
        if (hiddenBy(arg.directives)) hide(`${name}.${field.name.value}(${arg.name.value}:)`);
      }
    }
    if (type.kind === Kind.ENUM_TYPE_DEFINITION) {
      for (const value of type.values ?? []) if (hiddenBy(value.directives)) hide(`${name}.${value.name.value}`);
    }
  }

  // 2. What that leaves unusable, until nothing changes.
  const visibleFields = (name: string, type: TypeDefinition) => fieldsOf(type).filter((f) => !hidden.has(`${name}.${f.name.value}`));
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, type] of types) {
      if (hidden.has(name) || isMachinery(name)) continue;
      for (const field of fieldsOf(type)) {
        const coordinate = `${name}.${field.name.value}`;
        if (hidden.has(coordinate)) continue;
        if (hidden.has(namedType(field.type))) {
          // A required input field of a hidden type makes its whole input type unusable.
          changed = (type.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION && isRequired(field as InputValueDefinitionNode) ? hide(name) : hide(coordinate)) || changed;
          continue;
        }
        for (const arg of 'arguments' in field ? (field.arguments ?? []) : []) {
          const argCoordinate = `${coordinate}(${arg.name.value}:)`;
          if (hidden.has(argCoordinate) || !hidden.has(namedType(arg.type))) continue;
          changed = (isRequired(arg) ? hide(coordinate) : hide(argCoordinate)) || changed;
        }
      }
      const emptied =
        (type.kind === Kind.ENUM_TYPE_DEFINITION && (type.values ?? []).every((v) => hidden.has(`${name}.${v.name.value}`))) ||
        (type.kind === Kind.UNION_TYPE_DEFINITION && (type.types ?? []).every((member) => hidden.has(member.name.value))) ||
        ('fields' in type && visibleFields(name, type).length === 0);
      if (emptied) {
        if (roots.includes(name) && name === 'Query') throw new ContractError('The contract hides every field of Query.');
        changed = hide(name) || changed;
      }
    }
  }

  // 3. Types no client can reach any more (from the roots, through visible elements).
  const reachable = new Set<string>();
  const implementers = new Map<string, string[]>();
  for (const [name, type] of types) {
    if (type.kind === Kind.OBJECT_TYPE_DEFINITION || type.kind === Kind.INTERFACE_TYPE_DEFINITION) {
      for (const iface of type.interfaces ?? []) implementers.set(iface.name.value, [...(implementers.get(iface.name.value) ?? []), name]);
    }
  }
  const visit = (name: string) => {
    if (reachable.has(name) || hidden.has(name) || !types.has(name)) return;
    reachable.add(name);
    const type = types.get(name)!;
    for (const field of visibleFields(name, type)) {
      visit(namedType(field.type));
      for (const arg of 'arguments' in field ? (field.arguments ?? []) : []) {
        if (!hidden.has(`${name}.${field.name.value}(${arg.name.value}:)`)) visit(namedType(arg.type));
      }
    }
    if (type.kind === Kind.UNION_TYPE_DEFINITION) for (const member of type.types ?? []) visit(member.name.value);
    for (const implementer of implementers.get(name) ?? []) visit(implementer);
  };
  roots.forEach(visit);
  for (const name of types.keys()) {
    if (!reachable.has(name) && !isMachinery(name) && !BUILT_IN_SCALARS.has(name)) hide(name);
  }

  // What the subgraphs themselves made @inaccessible is not the contract's doing.
  const wasHidden = new Set<string>();
  for (const [name, type] of types) {
    if (hasInaccessible(type.directives)) wasHidden.add(name);
    for (const field of fieldsOf(type)) if (hasInaccessible(field.directives)) wasHidden.add(`${name}.${field.name.value}`);
  }

  // 4. Write @inaccessible onto every hidden element (new nodes; the parsed ones stay as they were).
  const mark = <T extends { directives?: readonly ConstDirectiveNode[] }>(node: T, coordinate: string): T =>
    hidden.has(coordinate) && !hasInaccessible(node.directives) ? { ...node, directives: [...(node.directives ?? []), INACCESSIBLE] } : node;
  document.definitions = document.definitions.map((definition) => {
    if (!TYPE_KINDS.has(definition.kind)) return definition;
    const type = definition as TypeDefinition;
    const name = type.name.value;
    let next = { ...mark(type, name) } as Mutable<TypeDefinition>;
    if ('fields' in next && next.fields) {
      (next as unknown as { fields: unknown[] }).fields = next.fields.map((field) => {
        const coordinate = `${name}.${field.name.value}`;
        const marked = { ...mark(field, coordinate) } as Mutable<FieldDefinitionNode>;
        if ('arguments' in marked && marked.arguments) {
          marked.arguments = marked.arguments.map((arg) => mark(arg, `${coordinate}(${arg.name.value}:)`));
        }
        return marked;
      });
    }
    if (next.kind === Kind.ENUM_TYPE_DEFINITION && next.values) {
      next = { ...next, values: next.values.map((value) => mark(value, `${name}.${value.name.value}`)) };
    }
    return next;
  });

  if (hidden.size > 0) ensureInaccessibleLinked(document);
  const contractSdl = print(document);
  let apiSchemaSdl: string;
  try {
    const supergraph = Supergraph.build(contractSdl, { supportedFeatures: ROUTER_SUPPORTED_SUPERGRAPH_FEATURES });
    apiSchemaSdl = printSchema(supergraph.apiSchema(), API_SCHEMA_PRINT);
  } catch (error) {
    throw new ContractError(`The contract (excluding ${[...excluded].join(', ')}) is not a valid supergraph: ${(error as Error).message}`);
  }
  return {
    supergraphSdl: contractSdl,
    apiSchemaSdl,
    hidden: [...hidden].filter((c) => !wasHidden.has(c) && !c.includes('(') && !isMachinery(c.split('.')[0]!)).sort(),
  };
}
