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
 * `http://***@h:8123/?access_token=***`. A `#fragment` after the query is left out.
 *
 * Both are found on the URL as written and masked together, so neither can hide the other: an
 * `@` in the query (`?application=me@corp&access_token=t`) or in a secret's value, a `?` or `=`
 * in a password — where what is the host cannot be told, more is masked, never less.
 */
export const displayStoreUrl = (url: string): string => {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(url)?.[0] ?? ""
  const masked = new Array<boolean>(url.length).fill(false)
  const at = url.lastIndexOf("@")
  if (at > scheme.length) masked.fill(true, scheme.length, at)
  for (const m of url.matchAll(/[?&]([^=&?#]*)=([^&#]*)/g)) {
    let name = m[1]!
    try {
      name = decodeURIComponent(name)
    } catch { /* tested as written */ }
    if (secretParam.test(name)) {
      const start = m.index + m[0].length - m[2]!.length
      masked.fill(true, start, start + m[2]!.length)
    }
  }
  let out = ""
  for (let k = 0; k < url.length; k++) {
    if (!masked[k]) out += url[k]
    else if (k === 0 || !masked[k - 1]) out += "***"
  }
  const q = out.indexOf("?")
  const hash = q < 0 ? -1 : out.indexOf("#", q)
  return hash < 0 ? out : out.slice(0, hash)
}
