#!/usr/bin/env node
// The CLI is compiled to dist/ by `npm run build`, which `npm ci` runs (the prepare script).
import '../dist/src/cli/main.js';
