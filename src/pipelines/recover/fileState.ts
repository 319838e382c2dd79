/**
 * What a recording's `fileState` (RecordingMetadata) means for recovery: fetch it now, come back
 * for it in a later run (pending), or give up on it (failed) — each with the reason.
 */
import type { RecordingMetadata } from "../../platform/genesysRecordings.ts"

export type FileStateVerdict =
  | { readonly _tag: "Fetch" }
  | { readonly _tag: "Pending"; readonly reason: string }
  | { readonly _tag: "Failed"; readonly reason: string }

const Fetch: FileStateVerdict = { _tag: "Fetch" }

/** Without a `fileState` (optional in Genesys' model) a recording is fetched: its answer decides. */
export const fileStateVerdict = (r: RecordingMetadata): FileStateVerdict => {
  const state = (r.fileState ?? "AVAILABLE").toUpperCase()
  const recording = `recording ${r.id} is ${state}`
  switch (state) {
    case "AVAILABLE":
      return Fetch
    case "UPLOADING":
      return { _tag: "Pending", reason: `${recording} (not stored by the platform yet): a later run fetches it` }
    case "RESTORING":
      return { _tag: "Pending", reason: `${recording} (coming back from the archive): a later run fetches it` }
    case "ARCHIVED":
      return {
        _tag: "Pending",
        reason: `${recording}: restore it in Genesys Cloud (it becomes RESTORING, then AVAILABLE); a later run fetches it`
      }
    case "DELETED":
      return { _tag: "Failed", reason: `${recording}: its content is gone from the platform` }
    case "ERROR":
      return { _tag: "Failed", reason: `${recording}: the platform could not store it, its content cannot be read` }
    default:
      return { _tag: "Failed", reason: `recording ${r.id} has a file state Rewind does not know (${JSON.stringify(r.fileState)}): not fetched` }
  }
}
