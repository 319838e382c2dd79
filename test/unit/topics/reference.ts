/**
 * A plain, obviously-correct reference for topic matching, written straight from the spec with
 * no shared code: regex normalization and brute force over every topic, phrase and position.
 */
import type { Block } from "../../../src/domain/interaction.ts"
import type { TopicModel } from "../../../src/domain/topicModel.ts"
import type { Hit } from "../../../src/topics/detector.ts"

export const refWords = (text: string): Array<string> =>
  text
    .replace(/\p{Cs}/gu, "\uFFFD") // ill-formed UTF-16: a lone surrogate is a separator
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/ς/g, "σ")
    .replace(/['’ʼ]/g, "")
    .match(/[\p{L}\p{N}]+/gu) ?? []

const GAP: Record<string, number> = { "90": 0, "85": 1, "72": 2, "65": 3, "55": 4, "1": 5 }

export const refHits = (model: TopicModel, block: Block, topicIds?: ReadonlySet<string>): Array<Hit> => {
  const words = refWords(block.text)
  const seen = new Set<string>()
  const hits: Array<Hit> = []
  for (const topic of model.topics) {
    if (topicIds !== undefined && !topicIds.has(topic.id)) continue
    if (topic.participants !== "all" && topic.participants !== block.participant) continue
    const programIds = model.programs.filter((p) => p.topics.includes(topic.id)).map((p) => p.id)
    for (const raw of topic.phrases) {
      const text = typeof raw === "string" ? raw : raw.text
      const strictness = typeof raw === "string" ? topic.strictness : (raw.strictness ?? topic.strictness)
      const gap = strictness === undefined ? 0 : GAP[strictness]!
      const pw = refWords(text)
      if (pw.length === 0) continue
      for (let i = 0; i < words.length; i++) {
        if (words[i] !== pw[0]) continue
        let prev = i
        let ok = true
        for (let k = 1; k < pw.length && ok; k++) {
          let found = -1
          for (let m = prev + 1; m <= prev + 1 + gap && m < words.length; m++) {
            if (words[m] === pw[k]) {
              found = m
              break
            }
          }
          if (found < 0) ok = false
          else prev = found
        }
        if (!ok) continue
        const key = JSON.stringify([topic.id, i, text])
        if (seen.has(key)) continue
        seen.add(key)
        hits.push({
          topicId: topic.id,
          programIds,
          phrase: text,
          participant: block.participant,
          offsetMs: block.offsetMs,
          wordIndex: i
        })
      }
    }
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
  return hits.sort((a, b) => a.wordIndex - b.wordIndex || cmp(a.topicId, b.topicId) || cmp(a.phrase, b.phrase))
}

export const refTopics = (model: TopicModel, block: Block, topicIds?: ReadonlySet<string>): Set<string> =>
  new Set(refHits(model, block, topicIds).map((h) => h.topicId))

export { type Prng, prng } from "../../../src/seed/random.ts"
