/**
 * CSV that is safe to open in a spreadsheet: RFC 4180 quoting, and cells that a spreadsheet
 * would read as a formula (starting with = + - @, tab or carriage return) are prefixed with
 * a single quote (OWASP "CSV injection" guidance).
 */
const formulaStart = /^[=+\-@\t\r]/

export const csvCell = (value: string): string => {
  const safe = formulaStart.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

export const csvLine = (cells: ReadonlyArray<string>): string => cells.map(csvCell).join(",") + "\r\n"

export interface ExportRow {
  readonly interactionId: string
  readonly newTopics: ReadonlyArray<string>
}

export const exportHeader = ["interactionId", "newTopicIds", "newTopicNames"] as const

/** One line of the job export. */
export const exportLine = (r: ExportRow, topicName: (id: string) => string): string =>
  csvLine([r.interactionId, r.newTopics.join(";"), r.newTopics.map(topicName).join(";")])

/** An impacted interaction with the topics it had before the job and those it no longer has. */
export interface ExportRowWithPrevious extends ExportRow {
  readonly previousTopics: ReadonlyArray<string>
  readonly removedTopics: ReadonlyArray<string>
}

export const exportHeaderWithPrevious = [
  ...exportHeader,
  "previousTopicIds",
  "previousTopicNames",
  "removedTopicIds",
  "removedTopicNames"
] as const

/** One line of the before/after export (`--with-previous`). */
export const exportLineWithPrevious = (r: ExportRowWithPrevious, topicName: (id: string) => string): string =>
  csvLine([
    r.interactionId,
    r.newTopics.join(";"),
    r.newTopics.map(topicName).join(";"),
    r.previousTopics.join(";"),
    r.previousTopics.map(topicName).join(";"),
    r.removedTopics.join(";"),
    r.removedTopics.map(topicName).join(";")
  ])

/** The before/after export: each impacted interaction's new topics, the topics it had before the job, and those it lost. */
export const exportCsvWithPrevious = (rows: Iterable<ExportRowWithPrevious>, topicName: (id: string) => string): string => {
  let out = csvLine(exportHeaderWithPrevious)
  for (const r of rows) out += exportLineWithPrevious(r, topicName)
  return out
}

/** The job export: impacted interactions with their newly detected topics (ids and names, `;`-separated). */
export const exportCsv = (rows: Iterable<ExportRow>, topicName: (id: string) => string): string => {
  let out = csvLine(exportHeader)
  for (const r of rows) out += exportLine(r, topicName)
  return out
}
