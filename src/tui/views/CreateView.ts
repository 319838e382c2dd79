import { Box, Text } from "ink"
import React from "react"
import { type CreateMode, createFields } from "../ui.ts"
import { compact, fit } from "./format.ts"

const h = React.createElement

const labels: Record<(typeof createFields)[number], string> = {
  name: "name",
  from: "from",
  to: "to (excl.)",
  programs: "programs",
  media: "media"
}

export interface CreateViewProps {
  readonly width: number
  readonly height: number
  readonly mode: CreateMode
}

/** The new-job form, and under it the job's impact preview once asked for (nothing is written until `y`). */
export const CreateView = (p: CreateViewProps): React.ReactElement => {
  const w = p.width - 2
  const lines: Array<React.ReactElement> = [h(Text, { key: "title", bold: true }, "New reprocessing job")]
  for (const f of createFields) {
    const active = p.mode.field === f
    lines.push(h(Text, { key: f, wrap: "truncate" },
      h(Text, { color: "cyan" }, labels[f].padEnd(11)),
      h(Text, { inverse: active }, fit(`${p.mode.values[f]}${active ? "▏" : ""}`, Math.max(1, w - 11)))))
  }
  const preview = p.mode.preview
  if (preview === undefined) {
    lines.push(h(Text, { key: "hint", dimColor: true, wrap: "truncate" }, fit("enter on the last field (or ctrl-p): impact preview on a sample, nothing written", w)))
  } else if ("loading" in preview) {
    lines.push(h(Text, { key: "loading", color: "yellow" }, "preview: running detection on a sample…"))
  } else if ("error" in preview) {
    lines.push(h(Text, { key: "error", color: "red", wrap: "truncate" }, fit(`preview refused: ${preview.error}`, w)))
  } else {
    const a = preview.answer
    lines.push(
      h(Text, { key: "scope", wrap: "truncate" }, fit(`${compact(a.interactionCount)} interactions in scope · model revision ${a.modelRevision} · ${a.scopeTopicCount} scope topics`, w)),
      h(Text, { key: "predicted", color: "green", wrap: "truncate" },
        fit(`predicted: ~${compact(a.predicted.updated)} updated · ~${compact(a.predicted.unchanged)} unchanged · ~${compact(a.predicted.failed)} failed (sample of ${a.sampleSize})`, w))
    )
    for (const t of a.topics.slice(0, Math.max(0, p.height - lines.length - 4))) {
      lines.push(h(Text, { key: `t-${t.topicId}`, wrap: "truncate" }, fit(`  ${t.name.padEnd(24)} +${t.gained} blocks  -${t.lost} blocks`, w)))
    }
    const e = a.examples[0]
    if (e !== undefined && lines.length < p.height - 2) {
      lines.push(h(Text, { key: "example", dimColor: true, wrap: "truncate" }, fit(`e.g. "${e.text}": ${e.before.join(",") || "-"} → ${e.after.join(",") || "-"}`, w)))
    }
    lines.push(h(Text, { key: "publish", color: "yellow", bold: true }, "y publish this job · edit a field to change it · esc cancel"))
  }
  return h(Box, { flexDirection: "column", width: p.width, height: p.height, paddingLeft: 1 }, ...lines.slice(0, p.height))
}
