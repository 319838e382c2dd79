#!/usr/bin/env node
// Rewind runs its TypeScript sources directly on Node 24 (type stripping). `npm run rewind -- …`
// puts the project's pinned Node 24 on PATH; a global `node` older than 24 is refused clearly.
const major = Number(process.versions.node.split(".")[0])
if (major < 24) {
  console.error(`rewind needs Node.js 24 (found ${process.version}). Use \`npm run rewind -- <args>\`, which runs the project's pinned Node 24.`)
  process.exit(1)
}
await import("../src/cli/main.ts")
