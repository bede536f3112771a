/**
 * Node flags for a process that runs PGlite: its 9 MB WASM module stays on V8's baseline
 * compiler (Liftoff) instead of being recompiled function by function with TurboFan in the
 * background as it gets hot. TurboFan's compile memory stays behind in malloc arenas, and
 * the statements run on tiny tables, so most of a request's time goes to JS, not WASM:
 * less memory and a faster start for no loss per request (figures: tools/memory/README.md).
 *
 * Its own module, without PGlite, so the launcher can use it without loading PGlite.
 */
export const PGLITE_WASM_NODE_FLAGS: readonly string[] = ['--no-wasm-dynamic-tiering', '--no-wasm-tier-up'];
