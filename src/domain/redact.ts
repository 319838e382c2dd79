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
