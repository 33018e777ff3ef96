// Decorated classes for test/monitor-instrument.test.ts, which compiles this file with TypeScript
// itself (type-checked against the built packages' declarations) and runs the output: vitest's
// own transformer leaves standard decorators unlowered, and the helpers must work with them as TS 5
// compiles them. Only type imports: the emitted module has no imports at all.
import type { tracked as agentTracked } from '@taskmeter/agent'
import type { Recorder } from '@taskmeter/protocol'

export type Tracked = typeof agentTracked

export interface Clock {
  ms: number
}

// No return type: the test reads the class through its own interface, and inferring This from
// each decorator use is part of what tsc checks here.
export function defineModel(tracked: Tracked, recorder: Recorder, clock: Clock) {
  class Model {
    readonly factor = 2
    readonly recorder: Recorder = recorder

    @tracked(recorder, 'sync_ok')
    double(x: number): { doubled: number } {
      clock.ms += 3
      return { doubled: x * this.factor }
    }

    @tracked(recorder, 'sync_throw')
    fail(error: Error): number {
      clock.ms += 5
      throw error
    }

    // No name given: the task is named after the method.
    @tracked(recorder)
    async predict(input: string): Promise<string> {
      await Promise.resolve()
      clock.ms += 7
      return `prediction: ${input} x${this.factor}`
    }

    @tracked(recorder, 'async_reject')
    async reject(error: Error): Promise<string> {
      await Promise.resolve()
      clock.ms += 11
      throw error
    }

    // The recorder read from the instance, for recorders injected per object.
    @tracked((self: Model) => self.recorder, 'via_field')
    viaField(): number {
      return this.factor
    }
  }
  return Model
}
