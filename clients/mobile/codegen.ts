import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for every operation of the app, from the API schema the mobile BFF
 * serves: a field the schema does not have (or hides from mobile) fails here, and a field
 * a screen reads but did not ask for fails the type-check.
 */
const config: CodegenConfig = {
  schema: '../../schema/clients/mobile/api-schema.graphql',
  documents: ['src/**/*.graphql'],
  generates: {
    'src/gql/': {
      preset: 'client',
      // Screens read whole results; Apollo Client does not mask fragments at run time either.
      presetConfig: { fragmentMasking: false },
      config: { scalars: { DateTime: 'string' }, enumsAsTypes: true, useTypeImports: true, avoidOptionals: { field: true } },
    },
  },
  silent: true,
};

export default config;
