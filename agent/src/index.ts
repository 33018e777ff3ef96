export { Aggregator, type AggregatorOptions } from './aggregate/aggregator.js'
