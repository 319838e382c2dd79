import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { decodeUtf8 } from "../../../src/domain/utf8.ts"
import { parseJson } from "../../../src/domain/validation.ts"

const bytes = (...parts: Array<string | number>) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === "number" ? [p] : [...new TextEncoder().encode(p)])))
const failure = (b: Uint8Array) => {
  const r = decodeUtf8(b)
  if (Result.isSuccess(r)) throw new Error(`expected a failure, got ${JSON.stringify(r.success)}`)
  return r.failure
}

describe("strict UTF-8", () => {
  it("decodes UTF-8, a real U+FFFD included", () => {
    expect(decodeUtf8(bytes("é ✓ 😀 \uFFFD"))).toEqual(Result.succeed("é ✓ 😀 \uFFFD"))
  })

  it("refuses what is not UTF-8, at the byte where it goes wrong", () => {
    expect(failure(bytes("{\"name\":\"", 0xc3, 0x28, "\"}"))).toBe("invalid UTF-8 at byte 9 (0xc3)")
    expect(failure(bytes("ab", 0xff))).toBe("invalid UTF-8 at byte 2 (0xff)")
    expect(failure(bytes("ab", 0xe2, 0x9c))).toBe("invalid UTF-8 at byte 2 (0xe2)") // cut short at the end
    expect(failure(bytes(0xed, 0xa0, 0x80))).toBe("invalid UTF-8 at byte 0 (0xed)") // an encoded surrogate
    expect(failure(bytes(0xc0, 0xaf))).toBe("invalid UTF-8 at byte 0 (0xc0)") // overlong "/"
  })

  it("counts bytes past real U+FFFDs and multi-byte characters", () => {
    expect(failure(bytes("\uFFFD😀é\uFFFD", 0x80))).toBe("invalid UTF-8 at byte 12 (0x80)")
  })

  it("parseJson refuses invalid UTF-8 as malformed instead of parsing a replaced text", () => {
    const r = parseJson(bytes("{\"name\":\"", 0xc3, 0x28, "\"}"))
    expect(Result.isFailure(r) && r.failure).toEqual({ reason: "malformed JSON: invalid UTF-8 at byte 9 (0xc3)", field: undefined, issues: [] })
    expect(parseJson(bytes(0xef, 0xbb, 0xbf, "{\"a\":1}"))).toEqual(Result.succeed({ a: 1 })) // a BOM is still fine
  })
})
