import { Text } from "ink"
import { render } from "ink-testing-library"
import React from "react"

let columns = 100
let patched = false

/**
 * ink-testing-library renders at a fixed 100 columns; this renders at `width` columns
 * instead (its fake stdout's `columns`), so frames are checked at 80 and at a wide size.
 */
export const renderAt = (width: number, tree: React.ReactElement) => {
  if (!patched) {
    const probe = render(React.createElement(Text, null, ""))
    Object.defineProperty(Object.getPrototypeOf(probe.stdout), "columns", { get: () => columns, configurable: true })
    probe.unmount()
    patched = true
  }
  columns = width
  return render(tree)
}

// eslint-disable-next-line no-control-regex
const ansi = /\x1b\[[0-9;?]*[A-Za-z]/g

/** The last frame as plain lines. */
export const lines = (frame: string | undefined): ReadonlyArray<string> => (frame ?? "").replace(ansi, "").split("\n")

export const text = (frame: string | undefined): string => lines(frame).join("\n")

/** Lets React run its effects and Ink write the next frame. */
export const settle = (ms = 20) => new Promise((r) => setTimeout(r, ms))
