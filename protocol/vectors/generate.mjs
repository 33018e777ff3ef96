// Writes protocol/vectors/*.json. The JSON files are the source of truth: the tests and clients
// in other languages read only them. This script is how they were authored, so that long names
// need no hand-counted hex. Hex is written byte by byte from SPEC.md and items by hand; nothing
// here calls our encoder or decoder (protocol/src/vectors*.test.ts check the files against both
// our codec and msgpackr). The vectors of each file are in cases/<file>.mjs, built with the
// helpers of vector.mjs; this script checks that names are unique and writes the files.
// Run: node protocol/vectors/generate.mjs
import { writeFileSync } from 'node:fs'
import {
  exemplarDatagramInvalid,
  exemplarEventInvalid,
  exemplarNonCanonical,
  exemplarValid,
} from './cases/exemplar.mjs'
import { datagramInvalid } from './cases/invalid-datagram.mjs'
import { eventInvalid } from './cases/invalid-event.mjs'
import { nonCanonical } from './cases/noncanonical.mjs'
import { valid } from './cases/valid.mjs'

const files = {
  'valid.json': [...valid, ...exemplarValid],
  'noncanonical.json': [...nonCanonical, ...exemplarNonCanonical],
  'invalid-datagram.json': [...datagramInvalid, ...exemplarDatagramInvalid],
  'invalid-event.json': [...eventInvalid, ...exemplarEventInvalid],
}
const seen = new Set()
for (const [file, vectors] of Object.entries(files)) {
  for (const v of vectors) {
    if (seen.has(v.name)) throw new Error(`duplicate vector name ${v.name}`)
    seen.add(v.name)
  }
  writeFileSync(new URL(file, import.meta.url), JSON.stringify(vectors, null, 2) + '\n')
  console.log(`${file}: ${vectors.length} vectors`)
}
