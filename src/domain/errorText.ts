/** A failure's message for logs and records: its `message` when it has one, else its text. */
export const errorText = (e: unknown): string =>
  e !== null && typeof e === "object" && "message" in e && typeof e.message === "string" ? e.message : String(e)
