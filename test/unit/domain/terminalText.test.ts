import { describe, expect, it } from "vitest"
import { terminalSafe, terminalSafeJson } from "../../../src/domain/terminalText.ts"

describe("terminalSafe", () => {
  it("shows terminal controls escaped: escape sequences, bell, line breaks, NUL, DEL and C1", () => {
    expect(terminalSafe("a\x1b[2Jb")).toBe("a\\x1b[2Jb")
    expect(terminalSafe("ring\x07")).toBe("ring\\x07")
    expect(terminalSafe("one\r\ntwo\tthree")).toBe("one\\x0d\\x0atwo\\x09three")
    expect(terminalSafe("\x00\x7f\x80\x9b31m\x9f")).toBe("\\x00\\x7f\\x80\\x9b31m\\x9f")
  })

  it("shows bidi controls escaped: overrides, embeddings, isolates and marks", () => {
    expect(terminalSafe("invoice\u202Efdp.exe")).toBe("invoice\\u202efdp.exe")
    const bidi = "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C"
    expect(terminalSafe(bidi)).toBe("\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c")
  })

  it("leaves printable text alone, accents, scripts and emoji included, and is idempotent", () => {
    const text = "Re-run März · 請求 · עברית · 😀 \\x1b stays a backslash"
    expect(terminalSafe(text)).toBe(text)
    const once = terminalSafe("x\x1b[31my\u202e")
    expect(terminalSafe(once)).toBe(once)
    expect(once).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202a-\u202e]/) // eslint-disable-line no-control-regex
  })
})

describe("terminalSafeJson", () => {
  it("writes what JSON.stringify leaves raw (DEL, C1, bidi) as \\u escapes: the same value, nothing acting", () => {
    const value = { name: "a\x1b[2J\x7f\x9b31m\u202Eb\\\u2066", n: 1 }
    const json = terminalSafeJson(JSON.stringify(value))
    expect(json).toBe('{"name":"a\\u001b[2J\\u007f\\u009b31m\\u202eb\\\\\\u2066","n":1}')
    expect(JSON.parse(json)).toEqual(value)
  })
})
