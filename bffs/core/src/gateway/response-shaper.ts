import {
  ERRORS,
  isCompositeType,
  isCustomScalarType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isSubtype,
  Variable,
  type CompositeType,
  type FieldSelection,
  type NamedType,
  type Operation,
  type Schema,
  type SelectionSet,
  type Type,
} from '@apollo/federation-internals';
import type { GraphQLError } from 'graphql';

/**
 * Turns the plan's merged, unshaped result into the client's response: only the selected
 * fields, in selection order, aliases applied, `__typename` filled in, leaf values checked,
 * and nulls in non-null positions propagated to the nearest nullable parent with an error.
 *
 * The semantics are @apollo/gateway's result shaping (resultShaping.js), which walks the
 * operation's object model on every request; here the walk is compiled once per operation
 * into plain closures and arrays, and a request only runs them.
 */
export type ResponseShaper = (input: Record<string, any> | null | undefined, variables: Record<string, unknown>) => {
  data: Record<string, any> | null | undefined;
  errors: GraphQLError[];
};

/** Operations with introspection fields are shaped by the gateway's own code; this says whether one has any. */
export function hasIntrospection(operation: Operation): boolean {
  return operation.selectionSet.selections().some((s) => s.kind === 'FieldSelection' && s.element.definition.isSchemaIntrospectionField());
}

export type Condition = (variables: Record<string, unknown>) => boolean;
interface Run {
  variables: Record<string, unknown>;
  errors: GraphQLError[];
  path: (string | number)[];
  /**
   * What the last UpdateValue found besides its value, set on every return: the value is an
   * invalid null (it must bubble up), and an error was reported for it. Kept here rather than
   * in a result object per value, which on an 88 KB reply was a large share of the garbage.
   */
  invalid: boolean;
  hasErrors: boolean;
}
/** Fills `output` from `input`; false means a null must bubble up to the parent. */
type ApplySelections = (input: any, output: any, parentType: NamedType, run: Run) => boolean;
/** The value to write at one place of the response; sets `run.invalid` and `run.hasErrors`. */
type UpdateValue = (output: any, input: any, parentType: NamedType, run: Run) => any;

/** Sets the flags of the value being returned (see Run) and returns it. */
function settle(run: Run, value: any, invalid: boolean, hasErrors: boolean): any {
  run.invalid = invalid;
  run.hasErrors = hasErrors;
  return value;
}

const NULL_BUBBLE = false;

/**
 * Response objects are plain `{}`: V8 keeps them in fast mode, and JSON.stringify writes them
 * far faster than null-prototype objects (a fifth of shaping plus serialising the guild
 * workload's reply). The one name that is not an ordinary key on such an object is an alias
 * `__proto__`; fields answered under it read and write the own property explicitly.
 */
const PROTO = '__proto__';
const readOwn = (object: any, name: string): any => (Object.hasOwn(object, name) ? object[name] : undefined);
const writeOwn = (object: any, name: string, value: any): void => {
  Object.defineProperty(object, name, { value, enumerable: true, writable: true, configurable: true });
};

export function compileResponseShaper(operation: Operation): ResponseShaper {
  const schema = operation.schema();
  return compileSelectionShaper(operation.selectionSet, schema.schemaDefinition.rootType(operation.rootKind)!, operation.collectDefaultedVariableValues());
}

/**
 * The same shaping for a selection set on any type, not only an operation's root: a deferred
 * fragment's selection, applied to each object it was deferred on (defer-runner.ts).
 */
export function compileSelectionShaper(selectionSet: SelectionSet, root: CompositeType, defaults: Record<string, unknown>): ResponseShaper {
  const schema = root.schema();
  const subtypeCache = new Map<string, boolean>();
  const typeConditionApplies = (condition: NamedType | undefined, typename: unknown, parentType: NamedType): boolean => {
    if (!condition) return true;
    const runtime = typeof typename === 'string' && typename ? typename : undefined;
    const key = `${condition.name}\u0000${runtime ?? `\u0001${parentType.name}`}`;
    let applies = subtypeCache.get(key);
    if (applies === undefined) {
      const type = runtime ? schema.type(runtime) : parentType;
      applies = !!type && isSubtype(condition, type);
      subtypeCache.set(key, applies);
    }
    return applies;
  };
  const applyRoot = compileSelectionSet(selectionSet, schema, typeConditionApplies);
  return (input, variables) => {
    if (!input) return { data: input, errors: [] };
    const run: Run = { variables: { ...defaults, ...variables }, errors: [], path: [], invalid: false, hasErrors: false };
    const data = {};
    const ok = applyRoot(input, data, root, run);
    return { data: ok ? data : null, errors: run.errors };
  };
}

/** A selection's @skip/@include as one test (true: left out), or undefined when it has neither. */
export function compileCondition(element: { appliedDirectivesOf: Function }, schema: Schema): Condition | undefined {
  const skip = (element.appliedDirectivesOf(schema.skipDirective()) as any[])[0];
  const include = (element.appliedDirectivesOf(schema.includeDirective()) as any[])[0];
  if (!skip && !include) return undefined;
  const valueOf = (directive: any): Condition => {
    const argument = directive.arguments().if;
    if (argument instanceof Variable) return (variables) => variables[argument.name] === true;
    return () => argument === true;
  };
  const skipIf = skip ? valueOf(skip) : undefined;
  const includeIf = include ? valueOf(include) : undefined;
  return (variables) => (skipIf ? skipIf(variables) : false) || (includeIf ? !includeIf(variables) : false);
}

function compileSelectionSet(
  selectionSet: SelectionSet,
  schema: Schema,
  typeConditionApplies: (condition: NamedType | undefined, typename: unknown, parentType: NamedType) => boolean,
): ApplySelections {
  const steps: ApplySelections[] = [];
  for (const selection of selectionSet.selections()) {
    const skipped = compileCondition(selection.element as never, schema);
    let step: ApplySelections;
    if (selection.kind === 'FieldSelection') {
      step = compileField(selection, schema, typeConditionApplies);
    } else {
      const condition = selection.element.typeCondition;
      const inner = compileSelectionSet(selection.selectionSet, schema, typeConditionApplies);
      step = (input, output, parentType, run) => {
        if (!typeConditionApplies(condition, input.__typename, parentType)) return true;
        return inner(input, output, condition ?? parentType, run);
      };
    }
    steps.push(skipped ? (input, output, parentType, run) => skipped(run.variables) || step(input, output, parentType, run) : step);
  }
  return (input, output, parentType, run) => {
    for (const step of steps) if (!step(input, output, parentType, run)) return NULL_BUBBLE;
    return true;
  };
}

function compileField(
  selection: FieldSelection,
  schema: Schema,
  typeConditionApplies: (condition: NamedType | undefined, typename: unknown, parentType: NamedType) => boolean,
): ApplySelections {
  const field = selection.element;
  const responseName = field.responseName();
  if (field.definition.isSchemaIntrospectionField()) throw new Error('introspection fields are shaped by the gateway (see hasIntrospection)');
  const isProto = responseName === PROTO;
  if (field.name === '__typename') {
    return (input, output, parentType) => {
      if ((isProto ? readOwn(output, responseName) : output[responseName]) !== undefined) return true;
      let value = Object.hasOwn(input, responseName) ? (input[responseName] ?? null) : null;
      if (value === null && responseName !== '__typename') value = input.__typename ?? null;
      const type = typeof value === 'string' ? (schema.type(value) ?? parentType) : parentType;
      if (!isObjectType(type)) return NULL_BUBBLE;
      if (isProto) writeOwn(output, responseName, type.name);
      else output[responseName] = type.name;
      return true;
    };
  }
  const subselections = selection.selectionSet ? compileSelectionSet(selection.selectionSet, schema, typeConditionApplies) : undefined;
  const update = compileValue(field.definition.type!, subselections, schema);
  if (isProto) {
    return (input, output, parentType, run) => {
      const inputValue = Object.hasOwn(input, responseName) ? (input[responseName] ?? null) : null;
      run.path.push(responseName);
      writeOwn(output, responseName, update(readOwn(output, responseName), inputValue, parentType, run));
      run.path.pop();
      return !run.invalid;
    };
  }
  return (input, output, parentType, run) => {
    const inputValue = Object.hasOwn(input, responseName) ? (input[responseName] ?? null) : null;
    run.path.push(responseName);
    output[responseName] = update(output[responseName], inputValue, parentType, run);
    run.path.pop();
    return !run.invalid;
  };
}

function describeLast(path: readonly (string | number)[], currentType: string, parentType: NamedType): string {
  const element = path[path.length - 1];
  return typeof element === 'string' ? `field ${parentType.name}.${element}` : `array element of type ${currentType} at index ${element}`;
}

function compileValue(type: Type, subselections: ApplySelections | undefined, schema: Schema): UpdateValue {
  if (isNonNullType(type)) {
    const inner = compileValue(type.ofType, subselections, schema);
    const innerName = type.ofType.toString();
    return (output, input, parentType, run) => {
      if (output === null || (output !== undefined && !subselections)) return settle(run, output, false, false);
      const updated = inner(output, input, parentType, run);
      if (updated === null) {
        if (!run.hasErrors) {
          run.errors.push(ERRORS.INVALID_GRAPHQL.err(`Cannot return null for non-nullable ${describeLast(run.path, innerName, parentType)}.`, { path: [...run.path] }));
        }
        return settle(run, updated, true, true);
      }
      return settle(run, updated, false, false);
    };
  }
  if (isListType(type)) {
    const element = compileValue(type.ofType, subselections, schema);
    return (output, input, parentType, run) => {
      if (output === null || (output !== undefined && !subselections)) return settle(run, output, false, false);
      if (input === null) return settle(run, null, false, false);
      if (!Array.isArray(input)) throw new Error(`Invalid non-list value ${input} returned by subgraph for list type ${type}`);
      const outputs: any[] | undefined = output;
      let nullify = false;
      let hasErrors = false;
      const updated = new Array(input.length);
      for (let index = 0; index < input.length; index++) {
        run.path.push(index);
        updated[index] = element(outputs === undefined ? undefined : outputs[index], input[index], parentType, run);
        run.path.pop();
        nullify ||= run.invalid;
        hasErrors ||= run.hasErrors;
      }
      return settle(run, nullify ? null : updated, false, hasErrors);
    };
  }
  if (isCompositeType(type)) {
    const apply = subselections!;
    return (output, input, parentType, run) => {
      if (output === null) return settle(run, output, false, false);
      if (input === null) return settle(run, null, false, false);
      const typename = input.__typename;
      let objectType: NamedType = type;
      if (typename) {
        const named = schema.type(typename);
        if (!named || !isCompositeType(named)) {
          run.errors.push(ERRORS.INVALID_GRAPHQL.err(`Invalid __typename found for object at ${describeLast(run.path, type.toString(), parentType)}.`, { path: [...run.path] }));
          return settle(run, null, false, true);
        }
        objectType = named;
      }
      const target = output === undefined ? {} : output;
      const ok = apply(input, target, objectType, run);
      return settle(run, ok ? target : null, false, !ok);
    };
  }
  const valid = leafValidator(type as NamedType, schema);
  const name = type.toString();
  return (output, input, parentType, run) => {
    if (output === null || output !== undefined) return settle(run, output, false, false);
    if (input === null) return settle(run, null, false, false);
    if (!valid(input)) {
      run.errors.push(ERRORS.INVALID_GRAPHQL.err(`Invalid value found for ${describeLast(run.path, name, parentType)}.`, { path: [...run.path] }));
      return settle(run, null, false, true);
    }
    return settle(run, input, false, false);
  };
}

/** Whether a subgraph's value fits a leaf type (federation-internals' isValidLeafValue, decided once per type). */
export function leafValidator(type: NamedType, schema: Schema): (value: unknown) => boolean {
  if (isCustomScalarType(type)) return () => true;
  const isInt = type === schema.intType() || type === schema.idType();
  const isFloat = type === schema.floatType();
  const isBoolean = type === schema.booleanType();
  const enumValues = isEnumType(type) ? new Set(type.values.map((v) => v.name)) : undefined;
  return (value) => {
    if (typeof value === 'boolean') return isBoolean;
    // An integer is what prints without a fraction or an exponent (below 1e21), as federation-internals tests it.
    if (typeof value === 'number' && Number.isFinite(value)) return isInt ? Number.isInteger(value) && Math.abs(value) < 1e21 : isFloat;
    if (typeof value === 'string') return enumValues ? enumValues.has(value) : type !== schema.booleanType() && type !== schema.intType() && type !== schema.floatType();
    return false;
  };
}
