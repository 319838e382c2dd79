/**
 * Characters that act on a terminal instead of showing: C0 controls (NUL, BEL, BS, TAB, LF, CR,
 * ESC …), DEL, C1 controls (U+0080–U+009F, CSI included), and the bidi controls that reorder the
 * text around them (ALM, LRM, RLM, the embeddings and overrides U+202A–U+202E, the isolates
 * U+2066–U+2069). JSON.stringify escapes the C0 controls itself, and only those.
 */
const beyondC0 = "\\u007f-\\u009f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069"
const acting = new RegExp(`[\\u0000-\\u001f${beyondC0}]`, "g")
const actingInJson = new RegExp(`[${beyondC0}]`, "g")

const hex = (code: number, width: number) => code.toString(16).padStart(width, "0")

/**
 * Text that came from outside (a job's name, a refusal's reason) made safe to print on a
 * terminal: each acting character is shown escaped, `\x1b` up to U+00FF and `\u202e` beyond,
 * so it can neither clear the screen, ring, move the cursor, fake a line nor flip the text
 * after it. Everything else is left as it is (escaping again changes nothing).
 */
export const terminalSafe = (text: string): string =>
  text.replace(acting, (c) => {
    const code = c.charCodeAt(0)
    return code <= 0xff ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`
  })

/**
 * JSON text as JSON.stringify writes it, made as safe and still exact: the acting characters it
 * leaves raw (they can only be inside strings) become `\u` escapes, which parse back the same.
 */
export const terminalSafeJson = (json: string): string => json.replace(actingInJson, (c) => `\\u${hex(c.charCodeAt(0), 4)}`)
