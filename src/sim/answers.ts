/** What a simulator route answers, and Genesys' error body `{status, code, message, contextId}`. */
import { randomUUID } from "node:crypto"

export interface Answer {
  readonly status: number
  /** Sent as JSON. */
  readonly body?: unknown
  /** Sent as it is, instead of `body` (an HTML page, a cut JSON text). */
  readonly text?: { readonly body: string; readonly contentType: string }
  readonly headers?: Record<string, string>
}

export const errorBody = (status: number, code: string, message: string) => ({
  status,
  code,
  message,
  messageParams: {},
  contextId: randomUUID(),
  details: [],
  errors: []
})

export const fail = (status: number, code: string, message: string, headers?: Record<string, string>): Answer => ({
  status,
  body: errorBody(status, code, message),
  ...(headers === undefined ? {} : { headers })
})

export const notFound = (what: string): Answer => fail(404, "not.found", `${what} not found.`)

/** No answer yet (the token route answers in its own step). */
export const Empty = { status: 0 } as const
