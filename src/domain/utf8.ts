import * as Result from "effect/Result"

const strict = new TextDecoder("utf-8", { fatal: true })
const lenient = new TextDecoder("utf-8", { ignoreBOM: true })
const encoder = new TextEncoder()

/**
 * Where the first invalid sequence of `bytes` starts: the first U+FFFD of a lenient decoding
 * that is not an encoded U+FFFD (EF BF BD) in the input. Linear: each segment is encoded once.
 */
const firstInvalidByte = (bytes: Uint8Array): number => {
  const text = lenient.decode(bytes)
  let at = 0
  let from = 0
  for (let i = text.indexOf("\uFFFD"); i !== -1; i = text.indexOf("\uFFFD", from)) {
    at += encoder.encode(text.slice(from, i)).length
    if (!(bytes[at] === 0xef && bytes[at + 1] === 0xbf && bytes[at + 2] === 0xbd)) return at
    at += 3
    from = i + 1
  }
  return at
}

/**
 * Decodes UTF-8 strictly: bytes that are not UTF-8 are refused (saying where), never replaced
 * by U+FFFD — a replaced byte would change what the sender meant without telling them.
 */
export const decodeUtf8 = (bytes: Uint8Array): Result.Result<string, string> => {
  try {
    return Result.succeed(strict.decode(bytes))
  } catch {
    const at = firstInvalidByte(bytes)
    return Result.fail(`invalid UTF-8 at byte ${at} (0x${(bytes[at] ?? 0).toString(16).padStart(2, "0")})`)
  }
}
