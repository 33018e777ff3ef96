// The client's callback for hot-shots' positional arguments: the shared reader
// (@taskmeter/instrument's parseStatArgs) hands it the client's drop error.
import type { StatCallback as SharedStatCallback } from '@taskmeter/instrument'
import type { TaskmeterDropError } from './errors.js'

/** Called once per call, inside try/catch: no argument when the event was buffered (or sampled out), the drop error when it was dropped. */
export type StatCallback = SharedStatCallback<TaskmeterDropError>
