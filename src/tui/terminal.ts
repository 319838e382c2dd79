import { EventEmitter } from "node:events"

/**
 * Flicker-free full-screen output for Ink. Ink (in its `debug` mode) hands us each complete
 * frame; we keep the terminal's alternate screen and rewrite only the lines that changed,
 * at absolute positions, inside a synchronized update. Nothing is ever erased and redrawn
 * whole, so a steady dashboard does not flicker, and nothing scrolls.
 */

const esc = {
  enter: "\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J",
  leave: "\x1b[?25h\x1b[?1049l",
  clear: "\x1b[H\x1b[2J",
  syncBegin: "\x1b[?2026h",
  syncEnd: "\x1b[?2026l",
  eraseRight: "\x1b[K",
  at: (row: number) => `\x1b[${row};1H`
}

// eslint-disable-next-line no-control-regex
const ansi = /\x1b\[[0-9;?]*[A-Za-z]/g
const visibleWidth = (line: string) => [...line.replace(ansi, "")].length

/** The escape sequence that turns the `previous` frame into `next` (empty when identical). */
export const frameDiff = (previous: ReadonlyArray<string>, next: ReadonlyArray<string>, columns: number): string => {
  let out = ""
  for (let i = 0; i < Math.max(previous.length, next.length); i++) {
    const line = next[i] ?? ""
    if (line === previous[i]) continue
    // erasing after a full-width line would eat its last cell on some terminals
    out += esc.at(i + 1) + line + (visibleWidth(line) < columns ? esc.eraseRight : "")
  }
  return out === "" ? "" : esc.syncBegin + out + esc.syncEnd
}

export interface FullScreen {
  /** Give this to Ink as `stdout` (with `debug: true`). */
  readonly stdout: NodeJS.WriteStream
  /** Leaves the alternate screen and shows the cursor again. Idempotent. */
  readonly restore: () => void
}

export const fullScreen = (out: NodeJS.WriteStream, frameIntervalMs = 16): FullScreen => {
  let shown: ReadonlyArray<string> = []
  let pending: string | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  let active = true

  const flush = () => {
    timer = undefined
    if (pending === undefined || !active) return
    const lines = pending.replace(/\n$/, "").split("\n")
    pending = undefined
    const diff = frameDiff(shown, lines, out.columns || 80)
    shown = lines
    if (diff !== "") out.write(diff)
  }

  const proxy = new EventEmitter() as EventEmitter & Record<string, unknown>
  Object.defineProperties(proxy, {
    columns: { get: () => out.columns || 80 },
    rows: { get: () => out.rows || 24 },
    isTTY: { value: true }
  })
  proxy["write"] = (chunk: unknown, encodingOrCallback?: unknown, callback?: unknown) => {
    const text = typeof chunk === "string" ? chunk : chunk instanceof Uint8Array ? new TextDecoder().decode(chunk) : ""
    if (text !== "") {
      pending = text
      // frames in a burst (a KV watch replaying many keys) are coalesced
      timer ??= setTimeout(flush, frameIntervalMs)
    }
    const cb = typeof encodingOrCallback === "function" ? encodingOrCallback : callback
    if (typeof cb === "function") setImmediate(() => (cb as () => void)())
    return true
  }

  const onResize = () => {
    shown = []
    out.write(esc.clear)
    proxy.emit("resize")
  }
  out.write(esc.enter)
  out.on("resize", onResize)

  return {
    stdout: proxy as unknown as NodeJS.WriteStream,
    restore: () => {
      if (!active) return
      if (timer !== undefined) clearTimeout(timer)
      flush()
      active = false
      out.off("resize", onResize)
      out.write(esc.leave)
    }
  }
}
