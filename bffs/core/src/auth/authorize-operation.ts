import { ErrorCode, rejection, type Rejection } from '@bff/platform';
import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { AccessRequirement, AccessRequirements } from './access-requirements';
import type { VerifiedUser } from './authenticator';

interface Denial {
  path: string;
  unauthenticated: boolean;
}

/**
 * `@authenticated` and `@requiresScopes`, enforced before execution. If the operation
 * selects anything the caller may not see, anywhere, the whole request is refused (401
 * without a token, 403 without the scopes), naming every such field. Why not null plus an
 * error at each path: a field nulled for authorization looks to UI code like missing data,
 * and an operation that asks for what its caller may not see is a client bug worth failing
 * loudly; per-object visibility (another user's order) is the subgraphs' job and yields null.
 */
export function authorizeOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  /** The operation the request runs, as the gate chose it (operation-to-run.ts). */
  operation: OperationDefinitionNode,
  requirements: AccessRequirements,
  user: VerifiedUser | null,
): Rejection | undefined {
  if (requirements.size === 0) return undefined;
  const root = schema.getRootType(operation.operation);
  if (!root) return undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

  const granted = new Set(user?.scopes ?? []);
  const check = (requirement: AccessRequirement | undefined): 'ok' | 'unauthenticated' | 'forbidden' => {
    if (!requirement) return 'ok';
    if (requirement.authenticated && !user) return 'unauthenticated';
    if (requirement.scopes && !requirement.scopes.some((group) => group.every((scope) => granted.has(scope)))) {
      return user ? 'forbidden' : 'unauthenticated';
    }
    return 'ok';
  };

  const denials: Denial[] = [];
  const visiting = new Set<string>();
  const walk = (parent: GraphQLCompositeType, set: SelectionSetNode, path: string) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type && (isObjectType(type) || isInterfaceType(type))) walk(type, selection.selectionSet, path);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        const type = fragment && schema.getType(fragment.typeCondition.name.value);
        if (!fragment || visiting.has(fragment.name.value) || !type || !(isObjectType(type) || isInterfaceType(type))) continue;
        visiting.add(fragment.name.value);
        walk(type, fragment.selectionSet, path);
        visiting.delete(fragment.name.value);
        continue;
      }
      if (!(isObjectType(parent) || isInterfaceType(parent))) continue;
      const field = parent.getFields()[selection.name.value];
      if (!field) continue; // validation reports unknown fields later
      const fieldPath = `${path}${path ? '.' : ''}${selection.alias?.value ?? selection.name.value}`;
      const target = getNamedType(field.type);
      for (const verdict of [check(requirements.get(`${parent.name}.${field.name}`)), check(requirements.get(target.name))]) {
        if (verdict !== 'ok') denials.push({ path: fieldPath, unauthenticated: verdict === 'unauthenticated' });
      }
      if (selection.selectionSet && (isObjectType(target) || isInterfaceType(target))) walk(target, selection.selectionSet, fieldPath);
    }
  };
  walk(root, operation.selectionSet, '');
  if (denials.length === 0) return undefined;
  const paths = [...new Set(denials.map((d) => d.path))];
  const unauthenticated = denials.some((d) => d.unauthenticated);
  return unauthenticated
    ? rejection(401, ErrorCode.UNAUTHENTICATED, `Sign in to read ${paths.join(', ')}.`, { details: { fields: paths } })
    : rejection(403, ErrorCode.FORBIDDEN, `Your token lacks the scopes required for ${paths.join(', ')}.`, { details: { fields: paths } });
}
