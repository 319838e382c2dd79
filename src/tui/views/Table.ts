import { Box, Text } from "ink"
import React from "react"
import { terminalSafe } from "../../domain/terminalText.ts"
import { fit } from "./format.ts"

const h = React.createElement

export interface Column<R> {
  readonly title: string
  readonly width: number
  readonly align?: "left" | "right"
  /** Takes the room left over (at least `width`). */
  readonly flex?: boolean
  /** Columns with a lower priority are dropped first when the table is too wide. 0 = never. */
  readonly drop?: number
  /** The cell's text; `width` is the column's final width. */
  readonly cell: (row: R, width: number) => string
  readonly color?: (row: R) => string | undefined
}

const gap = 1

/** The columns that fit in `width`, flexible ones grown to fill it. */
export const fitColumns = <R>(columns: ReadonlyArray<Column<R>>, width: number): ReadonlyArray<Column<R>> => {
  let kept = [...columns]
  const total = (cs: ReadonlyArray<Column<R>>) => cs.reduce((a, c) => a + c.width, 0) + gap * Math.max(0, cs.length - 1)
  while (total(kept) > width) {
    const droppable = kept.filter((c) => (c.drop ?? 0) > 0)
    if (droppable.length === 0) break
    const victim = droppable.reduce((a, b) => ((b.drop ?? 0) < (a.drop ?? 0) ? b : a))
    kept = kept.filter((c) => c !== victim)
  }
  const spare = width - total(kept)
  const flex = kept.filter((c) => c.flex === true)
  if (flex.length === 0) return kept
  const each = Math.floor(spare / flex.length)
  return kept.map((c) => (c.flex === true ? { ...c, width: Math.max(4, c.width + each) } : c))
}

/** First visible row so that `selected` is on screen. */
export const scrollOffset = (selected: number, count: number, visible: number): number =>
  Math.max(0, Math.min(selected - visible + 1, count - visible))

export interface TableProps<R> {
  readonly columns: ReadonlyArray<Column<R>>
  readonly rows: ReadonlyArray<R>
  readonly width: number
  /** Lines including the heading. */
  readonly height: number
  readonly selected?: number
  readonly rowKey: (row: R) => string
  readonly empty?: string
}

/** A fixed-width table: heading, then the rows around the selection (inverse). */
export const Table = <R>(props: TableProps<R>): React.ReactElement => {
  const columns = fitColumns(props.columns, props.width)
  const visible = Math.max(0, props.height - 1)
  const offset = props.selected === undefined ? 0 : Math.max(0, scrollOffset(props.selected, props.rows.length, visible))
  const shown = props.rows.slice(offset, offset + visible)
  const heading = columns.map((c) => fit(c.title, c.width, c.align)).join(" ".repeat(gap))
  const more = props.rows.length > offset + visible ? ` ↓${props.rows.length - offset - visible}` : ""
  return h(
    Box,
    { flexDirection: "column", width: props.width, height: props.height },
    h(Text, { bold: true, dimColor: true, wrap: "truncate" }, fit(heading, props.width - more.length) + more),
    props.rows.length === 0 && props.empty !== undefined
      ? h(Text, { dimColor: true, wrap: "truncate" }, `  ${terminalSafe(props.empty)}`)
      : null,
    ...shown.map((row, i) => {
      const isSelected = props.selected === offset + i
      return h(
        Text,
        { key: props.rowKey(row), wrap: "truncate", inverse: isSelected },
        ...columns.map((c, j) =>
          h(
            Text,
            { key: String(j), ...(c.color?.(row) !== undefined ? { color: c.color(row) as string } : {}) },
            (j > 0 ? " ".repeat(gap) : "") + fit(c.cell(row, c.width), c.width, c.align)
          )
        )
      )
    })
  )
}
