// chdb lists prebuilt engines for four platforms as optional dependencies, but only the
// linux-x64 one is published where we install from, so `npm install` leaves the other three
// out of package-lock.json and `npm ci` then refuses the lock as out of sync. This adds them
// back as optional, platform-restricted entries (npm skips them on other platforms).
// Run after any `npm install` that rewrites the lock: node tools/lock-chdb-platforms.mjs
import { readFileSync, writeFileSync } from "node:fs"

const path = new URL("../package-lock.json", import.meta.url)
const lock = JSON.parse(readFileSync(path, "utf8"))
const chdb = lock.packages["node_modules/chdb"]
const version = chdb?.optionalDependencies?.["@chdb/lib-linux-x64-gnu"]
if (!version) throw new Error("chdb is not in the lock file")
const platforms = {
  "@chdb/lib-darwin-arm64": { cpu: ["arm64"], os: ["darwin"] },
  "@chdb/lib-darwin-x64": { cpu: ["x64"], os: ["darwin"] },
  "@chdb/lib-linux-arm64-gnu": { cpu: ["arm64"], os: ["linux"], libc: ["glibc"] },
  "@chdb/lib-linux-x64-gnu": { cpu: ["x64"], os: ["linux"], libc: ["glibc"] }
}
let added = 0
for (const [name, extra] of Object.entries(platforms)) {
  const key = `node_modules/${name}`
  if (lock.packages[key]) continue
  lock.packages[key] = { version, license: "Apache-2.0", optional: true, ...extra }
  added++
}
const entries = Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : a > b ? 1 : 0))
lock.packages = Object.fromEntries(entries)
writeFileSync(path, JSON.stringify(lock, null, 2) + "\n")
console.log(added === 0 ? "lock already lists every chdb platform" : `added ${added} chdb platform entr${added === 1 ? "y" : "ies"}`)
