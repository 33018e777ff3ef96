// Flags for exemplars (the trace behind an observation, SPEC.md §3.4): which DogStatsD tags of a
// timer line carry the trace and span id, and the link /dashboard builds from them.
import { type Command, Option } from 'commander'
import { configError } from './taskmeter-error.js'

export interface ExemplarConfig {
  /** --exemplar-tags: the tag keys of the trace id and the span id; null = off, those tags stay labels. */
  readonly exemplarTags: readonly [string, string] | null
  /** --trace-url-template: /dashboard's exemplar link, `{trace_id}` / `{span_id}` filled in; null = no link. */
  readonly traceUrlTemplate: string | null
}

// A DogStatsD tag key as checkTags accepts one: no ',' ':' '|' or white space, at most 64 bytes.
const TAG_KEY = /^[^,:|\s#]{1,64}$/

export function addExemplarOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--exemplar-tags <trace,span>',
        'DogStatsD tag keys of the trace and span id (e.g. trace_id,span_id): on ms/h/d lines they become the exemplar, not labels',
      ),
    )
    .addOption(
      new Option(
        '--trace-url-template <url>',
        "/dashboard's link to a task's exemplar trace, {trace_id} and {span_id} filled in (e.g. http://jaeger:16686/trace/{trace_id})",
      ),
    )
}

export function readExemplarOptions(
  options: Readonly<Record<string, unknown>>,
  label: (key: string, flag: string) => string,
): ExemplarConfig {
  let exemplarTags: readonly [string, string] | null = null
  if (options.exemplarTags !== undefined) {
    const text = String(options.exemplarTags)
    const keys = text.split(',').map((key) => key.trim())
    const [trace, span] = keys as [string, string | undefined]
    if (keys.length !== 2 || span === undefined || !TAG_KEY.test(trace) || !TAG_KEY.test(span) || trace === span)
      throw configError(
        `${label('exemplarTags', '--exemplar-tags')} must be two different tag keys, trace then span, like trace_id,span_id (got ${JSON.stringify(text)})`,
      )
    exemplarTags = Object.freeze([trace, span] as const)
  }
  let traceUrlTemplate: string | null = null
  if (options.traceUrlTemplate !== undefined) {
    traceUrlTemplate = String(options.traceUrlTemplate)
    if (!/^https?:\/\//.test(traceUrlTemplate) || !/\{(trace_id|span_id)\}/.test(traceUrlTemplate))
      throw configError(
        `${label('traceUrlTemplate', '--trace-url-template')} must be an http(s) URL with {trace_id} or {span_id} in it (got ${JSON.stringify(traceUrlTemplate)})`,
      )
  }
  return { exemplarTags, traceUrlTemplate }
}

/** The template with the ids in place (each id is hex, so nothing needs escaping). */
export function traceUrl(template: string, traceId: string, spanId: string): string {
  return template.replaceAll('{trace_id}', traceId).replaceAll('{span_id}', spanId)
}
