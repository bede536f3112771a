import type { ApolloServerPlugin } from '@apollo/server';
import { endSpan } from '@bff/platform';
import type { RequestTelemetry } from '@bff/platform';

/**
 * When the request is traced, a span for each root field (`_entities` included) and each
 * field with a resolver of its own. Fields read straight off their parent object get none:
 * they are most of a response and cost nothing worth seeing.
 */
export function resolverSpansPlugin(): ApolloServerPlugin<{ telemetry: RequestTelemetry }> {
  return {
    async requestDidStart({ contextValue }) {
      const { span: requestSpan, tracing } = contextValue.telemetry;
      if (!requestSpan || !tracing) return {};
      return {
        async executionDidStart() {
          return {
            willResolveField({ info }) {
              const isRoot = info.path.prev === undefined;
              if (!isRoot && !info.parentType.getFields()[info.fieldName]?.resolve) return undefined;
              const span = tracing.startChildSpan(`resolve ${info.parentType.name}.${info.fieldName}`, requestSpan, {
                'graphql.field.path': pathOf(info.path),
                'graphql.field.type': String(info.returnType),
              });
              return (error) => endSpan(span, error ?? undefined);
            },
          };
        },
      };
    },
  };
}

function pathOf(path: { prev: unknown; key: string | number } | undefined): string {
  const keys: (string | number)[] = [];
  for (let at = path; at; at = at.prev as typeof path) keys.push(at.key);
  return keys.reverse().join('.');
}
