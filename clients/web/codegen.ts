import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Types for every operation of the storefront, from the web API schema the BFF serves:
 * a field that the schema does not have fails here, and a field the page reads but did
 * not ask for fails the type-check.
 */
const config: CodegenConfig = {
  schema: '../../schema/clients/web/api-schema.graphql',
  documents: ['src/**/*.graphql'],
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { scalars: { DateTime: 'string' }, enumsAsTypes: true, useTypeImports: true, avoidOptionals: { field: true } },
    },
  },
};

export default config;
