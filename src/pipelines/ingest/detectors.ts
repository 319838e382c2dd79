import { scopeTopicIds, type TopicModel } from "../../domain/topicModel.ts"
import { compileDetector, type Detector } from "../../topics/detector.ts"

/**
 * Detectors per program set for one model revision, compiled once each (interactions of a
 * queue share a program set, so there are few).
 */
export const detectorCache = (model: TopicModel) => {
  const cache = new Map<string, Detector>()
  return (programs: ReadonlyArray<string>): Detector => {
    const key = programs.join("\u0000")
    let d = cache.get(key)
    if (d === undefined) cache.set(key, (d = compileDetector(model, scopeTopicIds(model, programs))))
    return d
  }
}
