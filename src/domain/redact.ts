/**
 * Server URLs as shown to people (logs, errors, the dashboard, `rewind demo`): any
 * `user:password@` or `token@` is masked, as the SPEC asks of secrets. Pure, so every place
 * that shows a server uses the same rule.
 */

/** One server URL with its credentials masked: `nats://u:pw@h:4222` → `nats://***@h:4222`. */
export const displayServer = (server: string): string => {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(server)?.[0] ?? ""
  const rest = server.slice(scheme.length)
  // The last `@`: a password with an unencoded `@` or `/` is masked whole.
  const at = rest.lastIndexOf("@")
  return at < 0 ? server : `${scheme}***@${rest.slice(at + 1)}`
}

/** Server URLs, comma-separated, with their credentials masked. */
export const displayServers = (servers: ReadonlyArray<string> | string): string =>
  (typeof servers === "string" ? servers.split(",") : servers).map(displayServer).join(",")

/**
 * Query parameters of a ClickHouse URL (`@clickhouse/client`'s) that carry a secret: `access_token`
 * and `http_header_*` (e.g. `http_header_Authorization`), and any name that says it holds one.
 */
const secretParam = /^(access_token|http_header_.*|.*(password|passwd|secret|token|credential|auth).*)$/i

/**
 * `CLICKHOUSE_URL` as shown to people: its `user:password@` masked as `displayServer` masks a
 * server's, and the values of the query parameters that carry a secret (`?access_token=…`,
 * `?http_header_Authorization=…`) masked too: `http://u:pw@h:8123/?access_token=t` →
 * `http://***@h:8123/?access_token=***`. A `#fragment` is left out.
 */
export const displayStoreUrl = (url: string): string => {
  const shown = displayServer(url)
  const q = shown.indexOf("?")
  if (q < 0) return shown
  const hash = shown.indexOf("#", q)
  const query = shown.slice(q + 1, hash < 0 ? undefined : hash)
  const masked = query.split("&").map((pair) => {
    const eq = pair.indexOf("=")
    const name = eq < 0 ? pair : pair.slice(0, eq)
    let decoded = name
    try {
      decoded = decodeURIComponent(name)
    } catch { /* shown as written */ }
    return eq >= 0 && secretParam.test(decoded) ? `${name}=***` : pair
  }).join("&")
  return `${shown.slice(0, q + 1)}${masked}`
}
