/** @bff/core — the BFF kit. Public surface so far: `ClientPolicy`. */
export * from './policy';
