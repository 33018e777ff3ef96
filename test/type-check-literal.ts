// Type-checks JSON objects as object literals of a declared TypeScript type, so TypeScript's
// excess-property check reports unknown fields at any depth (JSON schemas that allow additional
// properties do not). Used for the Kubernetes manifests and the Grafana dashboard.
// String enums in the declared types (Grafana's FieldColorModeId, …) are widened to the union of
// their values: JSON holds the value, and TypeScript never lets a literal stand for an enum member.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import ts from 'typescript'
import { REPO_ROOT } from './harness/agent-process.js'

/** The JSON form of a type: string enums become their values; structure (and optionality) kept. */
const JSON_OF = `type JsonOf<T> = T extends string
  ? string extends T ? string : \`\${T}\`
  : T extends ReadonlyArray<infer U> ? Array<JsonOf<U>>
  : T extends object ? { [K in keyof T]: JsonOf<T[K]> }
  : T`

export interface TypedLiteral {
  /** Where the object came from, for messages. */
  origin: string
  /** Module to import the type from, e.g. 'kubernetes-models/v1/Service'. */
  typeImport: string
  typeName: string
  value: unknown
}

/** Returns TypeScript's diagnostics, each prefixed with the literal's origin; [] when all fit. */
export function typeCheckLiterals(literals: TypedLiteral[], scratch: string): string[] {
  // Inside the repository, so that the imports resolve through its node_modules.
  const dir = path.join(REPO_ROOT, 'test', 'artifacts', scratch)
  mkdirSync(dir, { recursive: true })
  const files = literals.map((literal, i) => {
    const file = path.join(dir, `literal-${i}.ts`)
    const source = [
      `// ${literal.origin}`,
      `import type { ${literal.typeName} } from '${literal.typeImport}'`,
      JSON_OF,
      `export const value: JsonOf<${literal.typeName}> = ${JSON.stringify(literal.value, null, 2)}`,
      '',
    ].join('\n')
    writeFileSync(file, source)
    return file
  })
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
  })
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const origin = d.file !== undefined ? `${readFileSync(d.file.fileName, 'utf8').split('\n')[0]?.slice(3)}: ` : ''
    return origin + ts.flattenDiagnosticMessageText(d.messageText, '\n')
  })
}
