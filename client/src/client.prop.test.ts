// Random garbage arguments to every method never throw into the app, every call is accounted for
// (sent, sampled out or dropped by reason), and what is sent is always valid wire.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createClient } from './index.js'
import { receiverPerFile } from './udp-receiver.test-support.js'

const METHODS = [
  'timing',
  'increment',
  'decrement',
  'gauge',
  'gaugeDelta',
  'histogram',
  'distribution',
  'timer',
  'asyncTimer',
  'trackAsync',
  'startTimer',
  'child',
] as const

const garbage = fc.oneof(
  fc.anything({
    withBigInt: true,
    withMap: true,
    withSet: true,
    withDate: true,
    withTypedArray: true,
    withNullPrototype: true,
    withBoxedValues: true,
    withSparseArray: true,
  }),
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.double(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, 0, 1e300, -0, 2 ** 32, -(2 ** 31) - 1),
  fc.dictionary(fc.string({ maxLength: 70 }), fc.oneof(fc.string({ maxLength: 210 }), fc.integer())),
  fc.constant(() => {
    throw new Error('app function throws')
  }),
  fc.constant(() => Promise.reject(new Error('app function rejects'))),
  fc.constant(
    new Proxy(
      {},
      {
        get() {
          throw new Error('hostile getter')
        },
        ownKeys() {
          throw new Error('hostile keys')
        },
      },
    ),
  ),
)

const call = fc.record({ method: fc.constantFrom(...METHODS), args: fc.array(garbage, { maxLength: 5 }) })

describe('random garbage arguments', () => {
  const io = receiverPerFile()

  it('never throw, and every datagram sent decodes cleanly', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(call, { minLength: 1, maxLength: 30 }),
        fc.option(garbage),
        async (calls, childOptions) => {
          const root = createClient({ port: io.receiver.port, maxBufferSize: 128, errorHandler: () => {} })
          const client = root.child(childOptions as never)
          const target = client as unknown as Record<string, (...args: unknown[]) => unknown>
          for (const { method, args } of calls) {
            let result: unknown
            expect(() => {
              result = target[method]?.(...args)
            }).not.toThrow()
            if (method === 'trackAsync') {
              // The promise settles: with the app's own value or error, or undefined for a non-function.
              await (result as Promise<unknown>).catch(() => undefined)
            }
            if (method === 'timer' || method === 'asyncTimer') {
              // The wrapper is a function; what it throws or rejects with is only the app's own error.
              const wrapped = result as (...a: unknown[]) => unknown
              expect(typeof wrapped).toBe('function')
              let thrown: unknown = null
              try {
                await wrapped(args[3])
              } catch (error) {
                thrown = error
              }
              if (thrown !== null) expect(String(thrown)).toMatch(/^Error: app function (throws|rejects)$/)
            }
            if (method === 'startTimer') {
              const end = result as (r?: unknown) => unknown
              expect(typeof end).toBe('function')
              expect(() => end(args[2])).not.toThrow()
              expect(() => end(args[3])).not.toThrow()
            }
            if (method === 'child') {
              const child = result as Record<string, (...a: unknown[]) => unknown>
              expect(() => child.timing?.('from_child', 1)).not.toThrow()
            }
          }
          await root.flush()
          const stats = root.stats()
          expect(stats.pending).toBe(0)
          await root.close()
        },
      ),
      { numRuns: 150, seed: 0x7a5c },
    )
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(io.receiver.rejections()).toEqual([])
  })

  it('accounts for every metric call: sent + sampled out + dropped', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            method: fc.constantFrom('timing', 'increment', 'decrement', 'gauge', 'histogram', 'distribution'),
            name: garbage,
            value: garbage,
            extra: garbage,
          }),
          {
            maxLength: 40,
          },
        ),
        async (calls) => {
          const client = createClient({ mock: true, errorHandler: () => {} })
          const target = client as unknown as Record<string, (...args: unknown[]) => unknown>
          for (const { method, name, value, extra } of calls) target[method]?.(name, value, extra)
          const stats = client.stats()
          const dropped = Object.values(stats.dropped).reduce((a, b) => a + (b ?? 0), 0)
          // An array of names is one event per name (an empty one is one dropped call).
          const events = calls.reduce((n, { name }) => n + (Array.isArray(name) ? Math.max(1, name.length) : 1), 0)
          expect(stats.sent + stats.sampledOut + dropped).toBe(events)
          expect(client.mockEvents).toHaveLength(stats.sent)
          await client.close()
        },
      ),
      { numRuns: 200, seed: 0x5eed },
    )
  })
})
