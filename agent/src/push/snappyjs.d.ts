// Types for snappyjs (it ships none): the block-format compressor remote write bodies go through,
// and the decoder the tests read them back with.
declare module 'snappyjs' {
  const snappyjs: { uncompress(input: Uint8Array): Uint8Array; compress(input: Uint8Array): Uint8Array<ArrayBuffer> }
  export default snappyjs
}
