// Worst-case memory of the series the agent may hold, checked against --max-memory at start so
// that a configuration that cannot fit fails at once, not later when traffic fills it. A "busy"
// series is one whose latencies span 8 octaves (a 256× range, e.g. 1 ms to 256 ms) with every
// bucket of that span hit in every window slot, long enough for big counts: the cumulative
// histogram holds 8 octaves at 4 bytes a bucket (16-bit counts and their high halves), the live
// slot's base packs every bucket at ~4 bytes (a 3-byte count), and each of the 11 closed slots
// packs every bucket at ~2.5 (a step, and counts past 127 in half of them). Values spread wider
// than 256× cost more; nothing realistic does. The compact format's 1 byte a bucket applies to
// counts under 16 only, so it lowers a typical busy task (~6 KB), not this bound.
import { MAX_NAME_BYTES, MAX_TAGS, MAX_TAG_KEY_BYTES, MAX_TAG_VALUE_BYTES } from '@taskmeter/protocol'
import { BucketLayout } from '../aggregate/bucket-layout.js'
import { exemplarStoreBytes } from '../aggregate/exemplar-store.js'
import { SLOT_COUNT } from '../aggregate/sliding-window.js'

const BUSY_OCTAVES = 8
const CUMULATIVE_BYTES_PER_BUCKET = 4
const BASE_BYTES_PER_BUCKET = 4
const PACKED_BYTES_PER_BUCKET = 2.5
const FIXED_BYTES_PER_SERIES = 1536 // objects, maps, labels, cache entries

export function bytesPerSeries(precision: number): number {
  const buckets = BUSY_OCTAVES * new BucketLayout(precision).half
  const closedSlots = (SLOT_COUNT - 1) * buckets * PACKED_BYTES_PER_BUCKET
  return Math.ceil(
    buckets * (CUMULATIVE_BYTES_PER_BUCKET + BASE_BYTES_PER_BUCKET) + closedSlots + FIXED_BYTES_PER_SERIES,
  )
}

/** Baseline of the process itself (Node, its modules, the HTTP server) before any series: ~60 MiB RSS measured idle. */
export const BASE_PROCESS_BYTES = 64 * 1024 * 1024

/** The series alone, with names and tags as short as an app's own code gives them (the monitor). */
export function worstCaseBytes(precision: number, maxSeries: number): number {
  return BASE_PROCESS_BYTES + maxSeries * bytesPerSeries(precision)
}

// Label text a sender may give one series: a full name and 16 tags at their byte limits.
const MAX_LABEL_TEXT_PER_SERIES = MAX_NAME_BYTES + MAX_TAGS * (MAX_TAG_KEY_BYTES + MAX_TAG_VALUE_BYTES)
// Each label byte is held about six times: the decoded strings, the series id, the /dashboard
// id, the escaped text cached for scrapes, the raw bytes keying the decode cache, and garbage
// not yet collected. Measured: 9 900 gauges with 16 tags of 64 + 200 bytes held ~4 copies on the
// heap and 2 outside it.
const LABEL_COPIES = 6
// A scrape holds up to eight bodies' worth: the text writers (1×), the protobuf writer and its
// per-family scratch (each growing by doubling: up to 2× apiece), each format's finished answer,
// and one earlier answer still being sent to a slow scraper.
const SCRAPE_COPIES = 8

export interface AgentBudget {
  precision: number
  maxSeries: number
  maxScrapeBytes: number
  workers: number
  /** The `le` bounds of --buckets: a task that gets exemplars holds one slot per bucket. */
  buckets: number
}

/**
 * The agent's worst case: busy series whose labels are at the protocol's limits, up to
 * --max-scrape-bytes of exposition. Under --workers N each worker holds its shard and the
 * primary the merged whole (N + 1 processes of series), and only the primary renders scrapes.
 */
export function agentWorstCaseBytes(budget: AgentBudget): number {
  const labelText = Math.min(budget.maxScrapeBytes, budget.maxSeries * MAX_LABEL_TEXT_PER_SERIES)
  // Every task may hold exemplars (exemplar-store.ts); a mapping rule's own bounds are not known here.
  const exemplars = budget.maxSeries * exemplarStoreBytes(budget.buckets)
  const perProcess = worstCaseBytes(budget.precision, budget.maxSeries) + LABEL_COPIES * labelText + exemplars
  const processes = budget.workers > 1 ? budget.workers + 1 : 1
  return processes * perProcess + SCRAPE_COPIES * budget.maxScrapeBytes
}

export function formatMiB(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1) + ' MiB'
}
