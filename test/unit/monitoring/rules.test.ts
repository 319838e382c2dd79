/**
 * The alert rules (monitoring/prometheus/rules.yml) pass Prometheus' own checks and their unit
 * tests (rules.test.yml), run with promtool as CI runs them; and those tests cover every alert
 * both firing and not firing, each firing check able to fail.
 */
import { spawnSync } from "node:child_process"
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { parse, stringify } from "yaml"
import { promtool, root } from "../../helpers/processes.ts"

const dir = join(root, "monitoring/prometheus")

interface Rule {
  readonly alert: string
  expr: string
  readonly for?: string
  readonly labels?: Record<string, string>
  readonly annotations?: Record<string, string>
}
interface RuleFile { readonly groups: ReadonlyArray<{ readonly name: string; readonly rules: ReadonlyArray<Rule> }> }
interface AlertCheck { readonly eval_time: string; readonly alertname: string; readonly exp_alerts?: ReadonlyArray<unknown> }
interface TestFile { readonly rule_files: ReadonlyArray<string>; readonly tests: ReadonlyArray<{ readonly alert_rule_test?: ReadonlyArray<AlertCheck> }> }

const rules = (): RuleFile => parse(readFileSync(join(dir, "rules.yml"), "utf8")) as RuleFile
const alerts = (f: RuleFile = rules()) => f.groups.flatMap((g) => g.rules)
const checks = (): ReadonlyArray<AlertCheck> =>
  (parse(readFileSync(join(dir, "rules.test.yml"), "utf8")) as TestFile).tests.flatMap((t) => t.alert_rule_test ?? [])

const run = (args: ReadonlyArray<string>, cwd: string) => {
  const r = spawnSync(promtool(), args, { cwd, encoding: "utf8", timeout: 60_000 })
  return { code: r.status, out: `${r.stdout}${r.stderr}` }
}

describe("the Prometheus alert rules", () => {
  it("pass promtool check rules", () => {
    const r = run(["check", "rules", "rules.yml"], dir)
    expect(r.out).toContain(`SUCCESS: ${alerts().length} rules found`)
    expect(r.code).toBe(0)
  })

  it("pass their unit tests (promtool test rules)", () => {
    const r = run(["test", "rules", "rules.test.yml"], dir)
    expect(r.out).toContain("SUCCESS")
    expect(r.code).toBe(0)
  })

  it("each say how bad, what happened and what to do", () => {
    for (const a of alerts()) {
      expect(["critical", "warning"], a.alert).toContain(a.labels?.["severity"])
      for (const key of ["summary", "description", "runbook"]) expect(a.annotations?.[key]?.trim().length ?? 0, `${a.alert} ${key}`).toBeGreaterThan(20)
    }
  })

  it("are each explained in README.md's Alerts table", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8")
    const section = readme.slice(readme.indexOf("### Alerts"), readme.indexOf("\n## ", readme.indexOf("### Alerts")))
    for (const a of alerts()) expect(section, a.alert).toMatch(new RegExp(`^\\| \`${a.alert}\` \\| ${a.labels?.["severity"]} \\|`, "m"))
  })

  it("each have a test where they fire and one where they do not, and the tests name only alerts that exist", () => {
    const names = new Set(alerts().map((a) => a.alert))
    const all = checks()
    for (const c of all) expect(names, `a test names ${c.alertname}`).toContain(c.alertname)
    for (const name of names) {
      const mine = all.filter((c) => c.alertname === name)
      expect(mine.some((c) => (c.exp_alerts ?? []).length > 0), `${name} fires in a test`).toBe(true)
      expect(mine.some((c) => (c.exp_alerts ?? []).length === 0), `${name} stays quiet in a test`).toBe(true)
    }
  })

  it("catch an alert that never fires: each one's tests fail when its expression is made to match nothing", () => {
    const work = mkdtempSync(join(tmpdir(), "rewind-rules-"))
    copyFileSync(join(dir, "rules.test.yml"), join(work, "rules.test.yml"))
    for (const name of alerts().map((a) => a.alert)) {
      const f = rules()
      for (const a of alerts(f)) if (a.alert === name) a.expr = "vector(1) > 2"
      writeFileSync(join(work, "rules.yml"), stringify(f))
      const r = run(["test", "rules", "rules.test.yml"], work)
      expect(r.code, `${name} made silent, yet its tests pass`).not.toBe(0)
      expect(r.out).toContain(`alertname: ${name}`)
    }
  })
})
