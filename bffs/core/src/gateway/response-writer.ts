import { isCompositeType, isListType, isNonNullType, isObjectType, isSubtype, type CompositeType, type FieldSelection, type NamedType, type Operation, type Schema, type SelectionSet, type Type } from '@apollo/federation-internals';
import { compileCondition, leafValidator, type Condition } from './response-shaper';

/**
 * Writes the reply's `data` as JSON text straight from the plan's merged, unshaped result, in
 * one pass: no response objects are built, and nothing is serialised twice. The writing is
 * compiled once per operation and runtime type (fields collected, fragments and aliases
 * resolved, each key's JSON made ahead), so a request only walks its data.
 *
 * It writes only replies that need no completion: the first null in a non-null place, value
 * of the wrong kind or unknown `__typename` makes it give up (undefined), and the request is
 * shaped by response-shaper.ts, which knows how nulls bubble and what error each case gets.
 * Whatever it writes is what that shaping would give, serialised (the tests hold them equal).
 */
export type ResponseWriter = (input: Record<string, any> | null | undefined, variables: Record<string, unknown>) => string | undefined;

const GIVE_UP = undefined;
/**
 * Writes one value's JSON as pieces onto `out`; false when the reply needs response-shaper.ts
 * after all. The pieces are joined once at the end: concatenating as it goes made a string
 * object per piece that the young generation had to copy while replies were in flight.
 */
type WriteValue = (input: any, out: string[]) => boolean;

/**
 * One field of an object as written: its key's JSON (with the comma before it, when it is not
 * the first), and how its value is read and written.
 */
interface WrittenField {
  key: string;
  responseName: string;
  /** The name is also a property of every object (`constructor`, `__proto__`): read only an own property. */
  ownOnly: boolean;
  /** For `__typename`: the type whose name is written when the data names none (the parent where it was selected). */
  typenameParent?: NamedType;
  write: WriteValue;
}

export function compileResponseWriter(operation: Operation): ResponseWriter {
  const schema = operation.schema();
  const root = schema.schemaDefinition.rootType(operation.rootKind)!;
  const defaults = operation.collectDefaultedVariableValues();
  const conditions: Condition[] = [];
  collectConditions(operation.selectionSet, schema, conditions);
  /** A compiled writer per outcome of the operation's @skip/@include conditions (one when it has none). */
  const byOutcome = new Map<string, WriteValue>();
  return (input, variables) => {
    if (!input) return GIVE_UP;
    const effective = conditions.length ? { ...defaults, ...variables } : defaults;
    let outcome = '';
    for (const condition of conditions) outcome += condition(effective) ? '1' : '0';
    let write = byOutcome.get(outcome);
    if (!write) {
      write = new ObjectWriter(schema, [operation.selectionSet], root, (selection) => selectionSkipped(selection, schema, effective)).write;
      byOutcome.set(outcome, write);
    }
    const out: string[] = [];
    return write(input, out) ? out.join('') : GIVE_UP;
  };
}

/** Whether a selection's @skip/@include leave it out, with these variables. */
function selectionSkipped(selection: { element: unknown }, schema: Schema, variables: Record<string, unknown>): boolean {
  const skipped = compileCondition(selection.element as never, schema);
  return skipped ? skipped(variables) : false;
}

function collectConditions(selectionSet: SelectionSet, schema: Schema, into: Condition[]): void {
  for (const selection of selectionSet.selections()) {
    const condition = compileCondition(selection.element as never, schema);
    if (condition) into.push(condition);
    if (selection.selectionSet) collectConditions(selection.selectionSet, schema, into);
  }
}

/**
 * The writer of objects selected by some selection sets (a field's, merged over every place
 * the operation selects it), with a field list compiled per runtime type on first sight.
 */
class ObjectWriter {
  private readonly fieldsByType = new Map<string, WrittenField[] | null>();

  constructor(
    private readonly schema: Schema,
    private readonly selectionSets: readonly SelectionSet[],
    private readonly declaredType: CompositeType,
    private readonly skipped: (selection: { element: unknown }) => boolean,
  ) {}

  readonly write: WriteValue = (input, out) => {
    const typename = input.__typename;
    const key = typename ? typename : '';
    let fields = this.fieldsByType.get(key);
    if (fields === undefined) {
      fields = this.compile(typename);
      this.fieldsByType.set(key, fields);
    }
    if (fields === null) return false;
    out.push('{');
    for (let index = 0; index < fields.length; index++) {
      const field = fields[index]!;
      if (field.typenameParent) {
        const name = this.typeNameOf(input, field.responseName, field.typenameParent);
        if (name === GIVE_UP) return false;
        out.push(field.key, name);
        continue;
      }
      const value = field.ownOnly ? ownValue(input, field.responseName) : input[field.responseName];
      out.push(field.key);
      if (!field.write(value === undefined ? null : value, out)) return false;
    }
    out.push('}');
    return true;
  };

  /**
   * The JSON of the type name a `__typename` field answers, found as response-shaper.ts finds
   * it: the value under its response name, else the data's `__typename`, else the parent type.
   */
  private readonly typeNames = new Map<string, string | undefined>();
  private typeNameOf(input: any, responseName: string, parentType: NamedType): string | undefined {
    let value = ownValue(input, responseName) ?? null;
    if (value === null && responseName !== '__typename') value = input.__typename ?? null;
    const key = typeof value === 'string' ? `${value}\u0000${parentType.name}` : `\u0000${parentType.name}`;
    let json = this.typeNames.get(key);
    if (json === undefined && !this.typeNames.has(key)) {
      const type = typeof value === 'string' ? (this.schema.type(value) ?? parentType) : parentType;
      json = isObjectType(type) ? oneByte(JSON.stringify(type.name)) : GIVE_UP;
      this.typeNames.set(key, json);
    }
    return json;
  }

  /** The fields written for objects of one runtime type, in response order; null when the type is not one the schema knows. */
  private compile(typename: unknown): WrittenField[] | null {
    let runtimeType: NamedType | undefined;
    if (typename) {
      runtimeType = typeof typename === 'string' ? this.schema.type(typename) : undefined;
      if (!runtimeType || !isCompositeType(runtimeType)) return null;
    }
    const collected = new Map<string, { selection: FieldSelection; parentType: NamedType; selectionSets: SelectionSet[] }>();
    const collect = (selectionSet: SelectionSet, parentType: NamedType) => {
      for (const selection of selectionSet.selections()) {
        if (this.skipped(selection)) continue;
        if (selection.kind === 'FieldSelection') {
          const responseName = selection.element.responseName();
          let entry = collected.get(responseName);
          if (!entry) collected.set(responseName, (entry = { selection, parentType, selectionSets: [] }));
          if (selection.selectionSet) entry.selectionSets.push(selection.selectionSet);
          continue;
        }
        const condition = selection.element.typeCondition;
        if (condition && !isSubtype(condition, runtimeType ?? parentType)) continue;
        collect(selection.selectionSet, condition ?? parentType);
      }
    };
    for (const selectionSet of this.selectionSets) collect(selectionSet, runtimeType ?? this.declaredType);
    const fields: WrittenField[] = [];
    for (const [responseName, { selection, parentType, selectionSets }] of collected) {
      const field = selection.element;
      if (field.definition.isSchemaIntrospectionField()) throw new Error('introspection fields are shaped by the gateway (see hasIntrospection)');
      const key = oneByte(`${fields.length ? ',' : ''}${JSON.stringify(responseName)}:`);
      const ownOnly = responseName in Object.prototype;
      if (field.name === '__typename') {
        fields.push({ key, responseName, ownOnly, typenameParent: parentType, write: giveUp });
        continue;
      }
      fields.push({ key, responseName, ownOnly, write: valueWriter(this.schema, field.definition.type!, selectionSets, this.skipped) });
    }
    return fields;
  }
}

const giveUp: WriteValue = () => false;

function ownValue(input: object, name: string): unknown {
  return Object.hasOwn(input, name) ? (input as Record<string, unknown>)[name] : undefined;
}

function valueWriter(schema: Schema, type: Type, selectionSets: SelectionSet[], skipped: (selection: { element: unknown }) => boolean): WriteValue {
  if (isNonNullType(type)) {
    const inner = valueWriter(schema, type.ofType, selectionSets, skipped);
    // A null here bubbles up with an error: response-shaper.ts writes those replies.
    return (input, out) => input !== null && inner(input, out);
  }
  if (isListType(type)) {
    const element = valueWriter(schema, type.ofType, selectionSets, skipped);
    return (input, out) => {
      if (input === null) return writeNull(out);
      if (!Array.isArray(input)) return false;
      out.push('[');
      for (let index = 0; index < input.length; index++) {
        if (index) out.push(',');
        if (!element(input[index], out)) return false;
      }
      out.push(']');
      return true;
    };
  }
  if (isCompositeType(type)) {
    const object = new ObjectWriter(schema, selectionSets, type, skipped).write;
    return (input, out) => (input === null ? writeNull(out) : typeof input === 'object' && !Array.isArray(input) && object(input, out));
  }
  const valid = leafValidator(type as NamedType, schema);
  return (input, out) => {
    if (input === null) return writeNull(out);
    if (!valid(input)) return false;
    if (typeof input === 'string' && !NEEDS_ESCAPING.test(input)) out.push('"', input, '"');
    else out.push(JSON.stringify(input));
    return true;
  };
}

function writeNull(out: string[]): true {
  out.push('null');
  return true;
}

/** What JSON.stringify would escape in a string: quotes, backslashes, control characters, surrogates (lone ones; pairs are merely sent the long way). */
const NEEDS_ESCAPING = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * The text as a one-byte string. V8 keeps a string two-byte once it was made so, even when
 * every character is ASCII (some field names come out of the API schema's construction that
 * way); one two-byte piece makes the whole reply two-byte, which doubles its bytes and costs a
 * conversion on the way to the socket. GraphQL names are ASCII, so a latin1 round trip keeps
 * them as they are.
 */
function oneByte(text: string): string {
  return /^[\x00-\xff]*$/.test(text) ? Buffer.from(text, 'latin1').toString('latin1') : text;
}
