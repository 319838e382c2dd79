/** Colour by state: calm for the normal path, loud only for trouble. */

export const jobStatusColor = (status: string): string | undefined =>
  ({ Queued: "yellow", InProgress: "cyan", Completed: "green", Failed: "red", Cancelled: "magenta" } as Record<string, string>)[status]

/** Free-form run statuses (recovery): by keyword. */
export const runStatusColor = (status: string | undefined): string | undefined => {
  const s = (status ?? "").toLowerCase()
  if (/fail|error|reject/.test(s)) return "red"
  if (/run|progress|active/.test(s)) return "cyan"
  if (/pend|queue|wait/.test(s)) return "yellow"
  if (/complete|succe|done|ok/.test(s)) return "green"
  return undefined
}
