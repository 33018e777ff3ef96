// Types of seeded-random.mjs, for the TypeScript tests that import it.
export declare function xorshift32(start: number): () => number
export declare function random(start: number): () => number
export declare function seededRandom(seed: number): () => number
export declare function logUniformLatenciesMs(count: number, seed: number): Float64Array
