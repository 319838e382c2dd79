import { describe, expect, it } from "vitest"
import { csvCell, exportCsv, exportCsvWithPrevious } from "../../../src/domain/csv.ts"

describe("spreadsheet-safe CSV", () => {
  it("neutralises cells a spreadsheet would read as a formula", () => {
    for (const evil of ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"]) {
      const cell = csvCell(evil)
      expect(cell.replace(/^"/, "").startsWith("'")).toBe(true)
    }
  })
  it("quotes commas, quotes and newlines", () => {
    expect(csvCell('a,"b"\nc')).toBe('"a,""b""\nc"')
    expect(csvCell("plain")).toBe("plain")
  })
  it("exports impacted ids with newly detected topic ids and names", () => {
    const csv = exportCsv([{ interactionId: "ix-1", newTopics: ["t-a", "t-b"] }], (id) => (id === "t-a" ? "=HYPERLINK()" : "Bee"))
    expect(csv).toBe("interactionId,newTopicIds,newTopicNames\r\nix-1,t-a;t-b,'=HYPERLINK();Bee\r\n")
  })
  it("the before/after export adds previous and removed topics, names formula-safe too", () => {
    const name = (id: string) => (id === "t-old" ? "@SUM(1)" : id === "t-a" ? "A" : "B")
    const csv = exportCsvWithPrevious([{ interactionId: "ix-1", newTopics: ["t-a"], previousTopics: ["t-b", "t-old"], removedTopics: ["t-old"] }], name)
    expect(csv).toBe(
      "interactionId,newTopicIds,newTopicNames,previousTopicIds,previousTopicNames,removedTopicIds,removedTopicNames\r\n" +
        "ix-1,t-a,A,t-b;t-old,B;@SUM(1),t-old,'@SUM(1)\r\n"
    )
  })
})
