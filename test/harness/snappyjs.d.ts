// Types for the test-only snappyjs decoder (it ships none).
declare module 'snappyjs' {
  const snappyjs: { uncompress(input: Uint8Array): Uint8Array; compress(input: Uint8Array): Uint8Array }
  export default snappyjs
}
