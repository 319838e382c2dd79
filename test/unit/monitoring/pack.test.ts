/**
 * The monitoring pack without Docker or Grafana (neither runs here): what can be checked of
 * monitoring/compose.yaml, the Prometheus configuration, the Grafana provisioning and the
 * dashboard is checked — files parse, every path they name exists, the services, hosts and ports
 * they name agree, every panel queries the dashboard's data source variable, and every query is
 * valid PromQL (promtool). That every metric they use is exported: test/integration/cli/monitoring.test.ts.
 */
import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, posix, resolve } from "node:path"
import { describe, expect, it } from "vitest"
import { parse } from "yaml"
import { dashboardPath, dashboardText } from "../../../monitoring/grafana/dashboard.ts"
import { panelQueries, type Panel } from "../../helpers/monitoring.ts"
import { promtool, root } from "../../helpers/processes.ts"

const monitoring = join(root, "monitoring")
const read = (path: string): any => parse(readFileSync(join(monitoring, path), "utf8"), { merge: true })

interface Service {
  readonly image?: string
  readonly build?: { readonly context: string; readonly dockerfile: string }
  readonly command?: ReadonlyArray<string>
  readonly environment?: Record<string, string>
  readonly ports?: ReadonlyArray<string>
  readonly volumes?: ReadonlyArray<string>
  readonly depends_on?: Record<string, { readonly condition: string }>
}
const compose = (): { readonly services: Record<string, Service>; readonly volumes: Record<string, unknown> } => read("compose.yaml")

/** `./a/b:/c/d:ro` → host path (absolute, from monitoring/) and container path; named volumes have no host path. */
const mounts = (s: Service) =>
  (s.volumes ?? []).map((v) => {
    const [source, target] = v.split(":") as [string, string]
    return { source, target, host: source.startsWith(".") || source.startsWith("/") ? resolve(monitoring, source) : undefined }
  })

/** Where a container path comes from on the host, through the service's bind mounts (a file, or a file under a mounted directory). */
const hostPathOf = (s: Service, containerPath: string): string | undefined => {
  for (const m of mounts(s)) {
    if (m.host === undefined) continue
    if (containerPath === m.target) return m.host
    if (containerPath.startsWith(`${m.target}/`)) return join(m.host, containerPath.slice(m.target.length + 1))
  }
  return undefined
}

/** The port a service's process listens on inside its container (`HOST:CONTAINER` or a range of hosts). */
const containerPorts = (s: Service) => (s.ports ?? []).map((p) => Number(p.split(":").at(-1)))

const flag = (s: Service, name: string) => {
  const args = s.command ?? []
  const i = args.indexOf(name)
  return i === -1 ? undefined : args[i + 1]
}

describe("monitoring/compose.yaml", () => {
  it("runs NATS, ClickHouse, Rewind, Prometheus and Grafana; every file it mounts or builds exists", () => {
    const c = compose()
    expect(Object.keys(c.services)).toEqual(expect.arrayContaining(["nats", "clickhouse", "rewind", "prometheus", "grafana"]))
    for (const [name, s] of Object.entries(c.services)) {
      for (const m of mounts(s)) {
        if (m.host === undefined) expect(Object.keys(c.volumes), `${name}: volume ${m.source}`).toContain(m.source)
        else expect(existsSync(m.host), `${name}: ${m.source}`).toBe(true)
      }
      if (s.build !== undefined) expect(existsSync(join(monitoring, s.build.context, s.build.dockerfile)), `${name}: build`).toBe(true)
      expect(s.image ?? s.build, `${name} has an image`).toBeDefined()
      for (const dep of Object.keys(s.depends_on ?? {})) expect(Object.keys(c.services), `${name} depends on ${dep}`).toContain(dep)
    }
  })

  it("points the daemon at the services by their names and ports", () => {
    const { services: s } = compose()
    const env = s["rewind"]!.environment!
    const nats = new URL(env["NATS_URL"]!)
    expect(nats.hostname).toBe("nats")
    expect(containerPorts(s["nats"]!)).toContain(Number(nats.port))
    const ch = new URL(env["CLICKHOUSE_URL"]!)
    expect(ch.hostname).toBe("clickhouse")
    expect(containerPorts(s["clickhouse"]!)).toContain(Number(ch.port))
    expect(s["clickhouse"]!.environment!["CLICKHOUSE_USER"]).toBe(env["CLICKHOUSE_USER"])
    expect(s["clickhouse"]!.environment!["CLICKHOUSE_PASSWORD"]).toBe(env["CLICKHOUSE_PASSWORD"])
    const platform = new URL(env["PLATFORM_API_URL"]!)
    expect(platform.hostname).toBe("sim")
    expect(flag(s["sim"]!, "--port")).toBe(platform.port)
    expect(flag(s["sim"]!, "--host")).toBe("0.0.0.0")
    expect(containerPorts(s["rewind"]!)).toContain(Number(env["REWIND_HTTP_PORT"]))
    // the setup seeds the store with the data the simulator serves
    const setup = (s["setup"]!.command ?? []).join(" ")
    for (const f of ["--seed", "--count", "--missing-share"]) expect(setup).toContain(`${f} ${flag(s["sim"]!, f)}`)
    expect(existsSync(join(root, /topics push (\S+)/.exec(setup)![1]!))).toBe(true)
  })

  it("gives Prometheus its configuration and rules where the configuration looks for them, scraping the daemon's metrics port", () => {
    const { services: s } = compose()
    const prom = s["prometheus"]!
    const configPath = prom.command!.find((a) => a.startsWith("--config.file="))!.split("=")[1]!
    const configHost = hostPathOf(prom, configPath)
    expect(configHost).toBe(join(monitoring, "prometheus/prometheus.yml"))
    const config = read("prometheus/prometheus.yml")
    for (const rules of config.rule_files as Array<string>) {
      expect(hostPathOf(prom, posix.resolve(posix.dirname(configPath), rules))).toBe(join(monitoring, "prometheus/rules.yml"))
    }
    const job = (config.scrape_configs as Array<any>).find((j) => j.job_name === "rewind")
    expect(job, "scrape job rewind (the rules' up{job=\"rewind\"})").toBeDefined()
    expect(readFileSync(join(monitoring, "prometheus/rules.yml"), "utf8")).toContain('up{job="rewind"}')
    const sd = job.dns_sd_configs[0]
    expect(sd.names).toEqual(["rewind"])
    expect(sd.port).toBe(Number(s["rewind"]!.environment!["REWIND_HTTP_PORT"]))
  })

  it("provisions Grafana with the Prometheus data source and the dashboard file", () => {
    const { services: s } = compose()
    const grafana = s["grafana"]!
    const datasources = read("grafana/provisioning/datasources/prometheus.yaml").datasources as Array<any>
    expect(hostPathOf(grafana, "/etc/grafana/provisioning/datasources/prometheus.yaml")).toBe(join(monitoring, "grafana/provisioning/datasources/prometheus.yaml"))
    const prom = datasources.find((d) => d.type === "prometheus")
    const url = new URL(prom.url)
    expect(url.hostname).toBe("prometheus")
    expect(containerPorts(s["prometheus"]!)).toContain(Number(url.port))
    const providers = read("grafana/provisioning/dashboards/rewind.yaml").providers as Array<any>
    expect(hostPathOf(grafana, "/etc/grafana/provisioning/dashboards/rewind.yaml")).toBe(join(monitoring, "grafana/provisioning/dashboards/rewind.yaml"))
    const folder = providers[0].options.path as string
    const file = hostPathOf(grafana, `${folder}/rewind.json`)
    expect(file).toBe(dashboardPath)
    expect(statSync(file!).isFile()).toBe(true)
    expect(hostPathOf(grafana, grafana.environment!["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]!)).toBe(dashboardPath)
  })

  it("Prometheus' configuration passes promtool check config", () => {
    const r = spawnSync(promtool(), ["check", "config", "prometheus.yml"], { cwd: join(monitoring, "prometheus"), encoding: "utf8", timeout: 60_000 })
    expect(`${r.stdout}${r.stderr}`).toContain("is valid prometheus config file syntax")
    expect(r.status).toBe(0)
  })
})

describe("monitoring/grafana/rewind.json", () => {
  const json = JSON.parse(readFileSync(dashboardPath, "utf8")) as { panels: Array<Panel>; templating: { list: Array<any> }; schemaVersion: number; uid: string }

  it("is what monitoring/grafana/dashboard.ts writes (node monitoring/grafana/dashboard.ts after a change)", () => {
    expect(readFileSync(dashboardPath, "utf8")).toBe(dashboardText())
  })

  it("is a current, provisionable dashboard: schema 39+, a uid, a Prometheus data source variable and an instance variable", () => {
    expect(json.schemaVersion).toBeGreaterThanOrEqual(39)
    expect(json.uid).toMatch(/^[a-z0-9-]{1,40}$/)
    expect(JSON.stringify(json)).not.toContain("__inputs") // an export "for sharing" cannot be provisioned
    const ds = json.templating.list.find((v) => v.name === "datasource")
    expect(ds).toMatchObject({ type: "datasource", query: "prometheus" })
    const instance = json.templating.list.find((v) => v.name === "instance")
    expect(instance).toMatchObject({ type: "query", datasource: { type: "prometheus", uid: "${datasource}" }, includeAll: true, multi: true })
    expect(instance.definition).toMatch(/^label_values\(rewind_\w+, instance\)$/)
  })

  it("every panel and query uses the data source variable; ids are unique; panels fit the 24-column grid without overlapping", () => {
    const ids = new Set<number>()
    const cells = new Set<string>()
    for (const p of json.panels) {
      expect(ids.has(p.id), `panel id ${p.id}`).toBe(false)
      ids.add(p.id)
      const g = p.gridPos
      expect(g.x + g.w, p.title).toBeLessThanOrEqual(24)
      for (let x = g.x; x < g.x + g.w; x++) {
        for (let y = g.y; y < g.y + g.h; y++) {
          expect(cells.has(`${x},${y}`), `${p.title} overlaps at ${x},${y}`).toBe(false)
          cells.add(`${x},${y}`)
        }
      }
      if (p.type === "row") continue
      expect(p.datasource, p.title).toEqual({ type: "prometheus", uid: "${datasource}" })
      expect(p.targets?.length ?? 0, p.title).toBeGreaterThan(0)
      for (const t of p.targets ?? []) expect(t.datasource, `${p.title} ${t.refId}`).toEqual({ type: "prometheus", uid: "${datasource}" })
    }
    expect(json.panels.filter((p) => p.type !== "row").length).toBeGreaterThanOrEqual(30)
  })

  it("its top row is the key figures of rewind status and the TUI", () => {
    const top = json.panels.filter((p) => p.gridPos.y === 0).map((p) => p.title)
    expect(top).toEqual(["Running", "Queued", "Failed", "Progress", "Rate", "ETA", "Dead letters", "Backlog", "Recovery lag", "NATS"])
  })

  it("every query filters by the instance variable, and is valid PromQL (promtool check rules)", () => {
    const queries = panelQueries(json.panels)
    for (const q of queries) {
      for (const selector of q.expr.matchAll(/\b(rewind_\w+)\{([^}]*)\}/g)) expect(selector[2], `${q.panel}: ${selector[1]}`).toContain('instance=~"$instance"')
      expect(q.expr, q.panel).not.toMatch(/\brewind_\w+(?![\w{])/) // every rewind_ metric has a selector
    }
    const dir = mkdtempSync(join(tmpdir(), "rewind-dashboard-"))
    const file = join(dir, "queries.yml")
    writeFileSync(file, JSON.stringify({ groups: [{ name: "dashboard", rules: queries.map((q, i) => ({ record: `dashboard:query_${i}`, expr: q.promql })) }] }))
    const r = spawnSync(promtool(), ["check", "rules", file], { cwd: dirname(file), encoding: "utf8", timeout: 60_000 })
    expect(`${r.stdout}${r.stderr}`).toContain(`SUCCESS: ${queries.length} rules found`)
    expect(r.status).toBe(0)
  })
})
