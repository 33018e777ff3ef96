#!/usr/bin/env node
// Rewrites deploy/grafana/taskmeter-dashboard.json from the generator behind GET /grafana-dashboard
// (run `npm run build` first). test/grafana-dashboard.test.ts fails until the two are equal.
import { writeFileSync } from 'node:fs'
import { renderGrafanaDashboard } from '../../agent/dist/expose/grafana/grafana-dashboard.js'

const target = new URL('./taskmeter-dashboard.json', import.meta.url)
writeFileSync(target, renderGrafanaDashboard())
process.stdout.write(`wrote ${target.pathname}\n`)
