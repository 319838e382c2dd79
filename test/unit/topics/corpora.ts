/**
 * Randomized models and corpora for the property tests of the topic engines: surface variants
 * (case, accents, punctuation), shared phrases, every strictness, non-Latin words.
 */
import type { Block, Participant } from "../../../src/domain/interaction.ts"
import type { Strictness, Topic, TopicModel } from "../../../src/domain/topicModel.ts"
import type { Prng } from "./reference.ts"

export const BASE_WORDS = [
  "cancel", "account", "my", "the", "order", "refund", "please", "not", "i", "want", "to", "reclamation",
  "don't", "e-mail", "отменить", "заказ", "ακύρωση", "キャンセル", "إلغاء", "42", "a", "b"
]
export const SEPARATORS = [" ", " ", " ", ", ", ". ", "! ", "? ", "\n", " - ", "...", " (", ") ", "\t", "/", " ’ "]
export const STRICTNESS: ReadonlyArray<Strictness> = ["1", "55", "65", "72", "85", "90"]

/** A surface variant of a word: case, accents, punctuation glued around it. */
export const variant = (rng: Prng, word: string): string => {
  let w = word
  if (rng.chance(0.2)) w = w.toUpperCase()
  else if (rng.chance(0.1)) w = w.charAt(0).toUpperCase() + w.slice(1)
  if (w.toLowerCase() === "reclamation" && rng.chance(0.5)) w = rng.chance(0.5) ? "Réclamation" : "RÉCLAMATION"
  if (rng.chance(0.05)) w = `"${w}"`
  if (rng.chance(0.03)) w = `${w}s` // a different word: no substring match
  return w
}

export const randomPhraseText = (rng: Prng): string => {
  if (rng.chance(0.03)) return rng.pick(["!!", "...", "-"]) // normalizes to no words
  const n = 1 + rng.int(rng.chance(0.7) ? 2 : 4)
  let s = ""
  for (let k = 0; k < n; k++) s += (k === 0 ? "" : rng.pick([" ", " ", ", ", "-"])) + variant(rng, rng.pick(BASE_WORDS))
  return s
}

export const randomModel = (rng: Prng): TopicModel => {
  const shared = Array.from({ length: 3 }, () => randomPhraseText(rng))
  const topics: Array<Topic> = []
  const count = rng.int(8)
  for (let t = 0; t < count; t++) {
    const phrases: Array<Topic["phrases"][number]> = []
    const np = rng.int(5)
    for (let k = 0; k < np; k++) {
      const text = rng.chance(0.25) ? rng.pick(shared) : randomPhraseText(rng)
      phrases.push(rng.chance(0.5) ? text : rng.chance(0.3) ? { text } : { text, strictness: rng.pick(STRICTNESS) })
    }
    const base: Topic = { id: `t${t}`, name: `T${t}`, participants: rng.pick(["external", "internal", "all"] as const), phrases }
    topics.push(rng.chance(0.3) ? { ...base, strictness: rng.pick(STRICTNESS) } : base)
  }
  const programs: Array<TopicModel["programs"][number]> = []
  for (let p = 0; p < rng.int(4); p++) {
    programs.push({ id: `p${p}`, name: `P${p}`, topics: topics.filter(() => rng.chance(0.4)).map((t) => t.id), queues: [] })
  }
  return { programs, topics }
}

export const randomBlock = (rng: Prng): Block => {
  const n = rng.chance(0.05) ? 0 : rng.int(rng.chance(0.1) ? 300 : 40)
  let text = rng.chance(0.2) ? rng.pick(SEPARATORS) : ""
  for (let k = 0; k < n; k++) text += (k === 0 ? "" : rng.pick(SEPARATORS)) + variant(rng, rng.pick(BASE_WORDS))
  const participant: Participant = rng.chance(0.5) ? "external" : "internal"
  return { participant, offsetMs: rng.int(100_000), text }
}
