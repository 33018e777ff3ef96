#!/usr/bin/env node
// The published bin. It exists before the build (npm links bins at install time, when dist/ is not
// built yet on a fresh clone), and loads the compiled CLI.
import '../dist/cli.js'
