/**
 * The synthetic transcripts' text: neutral sentences in each language, and topic phrases as
 * people type or say them (case changes, filler words inside, dropped accents, punctuation).
 */
import type { Participant } from "../domain/interaction.ts"
import { catalogue, UnmappedQueue } from "./catalogue.ts"
import { firstNames, type Language, neutral } from "./phrases.ts"
import type { Rng } from "./random.ts"

const fill = (template: string, rng: Rng): string => {
  if (!template.includes("{")) return template
  return template.replace("{n}", String(rng.int(1000, 99999))).replace("{name}", rng.pick(firstNames))
}

/** A phrase as a person would type or say it: case changes, maybe filler words inside. */
const decorate = (phrase: string, lang: Language, rng: Rng): string => {
  let words = phrase.split(" ")
  if (words.length >= 2 && rng.chance(0.16)) {
    const fillers = neutral[lang].fillers
    const at = rng.int(1, words.length - 1)
    const inserted = rng.chance(0.25) ? [rng.pick(fillers), rng.pick(fillers)] : [rng.pick(fillers)]
    words = [...words.slice(0, at), ...inserted, ...words.slice(at)]
  }
  let text = words.join(" ")
  const c = rng.next()
  if (c < 0.2) text = text.toLowerCase()
  else if (c < 0.3) text = text.toUpperCase()
  else if (c < 0.45) text = text.charAt(0).toUpperCase() + text.slice(1)
  // Accents dropped by a hurried typist (matching is accent-insensitive).
  if (lang !== "en-us" && rng.chance(0.1)) text = text.normalize("NFD").replace(/\p{M}/gu, "")
  return text
}

const endings = [".", ".", ".", "!", "?", "...", ","] as const

const sentenceWithPhrase = (phrase: string, lang: Language, rng: Rng): string => {
  const lead = rng.pick(neutral[lang].leads)
  const body = decorate(phrase, lang, rng)
  const end = rng.pick(endings)
  const start = lead === "" ? body.charAt(0).toUpperCase() + body.slice(1) : lead + body
  return end === "," ? `${start}, ${rng.chance(0.5) ? "right" : "you know"}?` : start + end
}

/** Topics (and their phrases) one speaker may utter: all, and those of the interaction's programs. */
interface TopicPool {
  readonly all: ReadonlyArray<PhraseList>
  readonly preferred: ReadonlyArray<PhraseList>
}

export interface PhraseList {
  readonly topicId: string
  readonly phrases: ReadonlyArray<string>
}

const poolCache = new Map<string, TopicPool>()

export const topicPool = (lang: Language, participant: Participant, queueId: string): TopicPool => {
  const key = `${lang}|${participant}|${queueId}`
  const cached = poolCache.get(key)
  if (cached !== undefined) return cached
  const cat = catalogue()
  const byTopic = cat.phrases.get(lang)?.[participant] ?? new Map<string, ReadonlyArray<string>>()
  const all = [...byTopic].map(([topicId, phrases]) => ({ topicId, phrases }))
  const preferredIds = new Set((cat.programsByQueue.get(queueId) ?? []).flatMap((p) => cat.topicsByProgram.get(p) ?? []))
  const pool = { all, preferred: all.filter((p) => preferredIds.has(p.topicId)) }
  poolCache.set(key, pool)
  return pool
}

const greetings = new Map<Language, PhraseList | undefined>()
export const greetingPool = (lang: Language): PhraseList | undefined => {
  if (!greetings.has(lang)) greetings.set(lang, topicPool(lang, "internal", UnmappedQueue).all.find((p) => p.topicId === "t-greeting"))
  return greetings.get(lang)
}

/** 1–4 sentences, 2.5 on average (≈ 90 characters of text per block). */
const sentenceCount = (rng: Rng): number => {
  const r = rng.next()
  return r < 0.15 ? 1 : r < 0.5 ? 2 : r < 0.85 ? 3 : 4
}

/** One block's text: 1–4 neutral sentences, and maybe a topic phrase among them. */
export const utterance = (lang: Language, participant: Participant, phrases: PhraseList | undefined, rng: Rng): string => {
  const bank = neutral[lang][participant]
  const sentences = sentenceCount(rng)
  const phraseAt = phrases === undefined ? -1 : rng.int(0, sentences)
  let text = ""
  for (let k = 0; k <= sentences; k++) {
    let sentence: string | undefined
    if (k === phraseAt && phrases !== undefined) sentence = sentenceWithPhrase(rng.pick(phrases.phrases), lang, rng)
    else if (k < sentences) sentence = fill(rng.pick(bank), rng)
    if (sentence !== undefined) text = text === "" ? sentence : `${text} ${sentence}`
  }
  return text
}
