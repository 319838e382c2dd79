import { describe, expect, it } from "vitest"
import { displayServer, displayServers, displayStoreUrl } from "../../../src/domain/redact.ts"

describe("displayServer(s)", () => {
  it("masks user:password@ and token@, leaves a URL without credentials alone", () => {
    expect(displayServer("nats://u:pw@h:4222")).toBe("nats://***@h:4222")
    expect(displayServer("nats://s3cret@h:4222")).toBe("nats://***@h:4222")
    expect(displayServer("nats://h:4222")).toBe("nats://h:4222")
    expect(displayServers("nats://a:b@h1:4222,tls://h2:4222")).toBe("nats://***@h1:4222,tls://h2:4222")
  })
})

describe("displayStoreUrl: CLICKHOUSE_URL as shown", () => {
  it("masks the credentials of http://user:password@host:8123, keeping the host, port and path", () => {
    expect(displayStoreUrl("http://alice:s3cret@ch.example.com:8123")).toBe("http://***@ch.example.com:8123")
    expect(displayStoreUrl("https://alice:s3cret@ch.example.com:8443/analytics")).toBe("https://***@ch.example.com:8443/analytics")
    expect(displayStoreUrl("http://alice@ch.example.com:8123")).toBe("http://***@ch.example.com:8123")
    expect(displayStoreUrl("http://127.0.0.1:8123")).toBe("http://127.0.0.1:8123")
  })

  it("masks a password with an unencoded @, / or ? whole", () => {
    for (const url of ["http://alice:s3@cret@h:8123", "http://alice:s3/cret@h:8123", "http://alice:s3?cret@h:8123"]) {
      const shown = displayStoreUrl(url)
      expect(shown).toBe("http://***@h:8123")
      expect(shown).not.toContain("cret")
    }
  })

  it("masks the values of the client's query parameters that carry a secret, not the others", () => {
    const url = "https://u:pw@ch.example.com:8443/db?application=rewind&access_token=tok123&http_header_Authorization=Bearer%20xyz&request_timeout=30000#frag"
    const shown = displayStoreUrl(url)
    expect(shown).toBe("https://***@ch.example.com:8443/db?application=rewind&access_token=***&http_header_Authorization=***&request_timeout=30000")
    for (const secret of ["pw", "tok123", "xyz", "frag"]) expect(shown).not.toContain(secret)
    expect(displayStoreUrl("http://h:8123/?password=p1")).toBe("http://h:8123/?password=***")
  })

  it("an @ in the query, in a secret's value or a ? and = in a password: more masked, never a secret shown", () => {
    const cases = [
      { url: "http://h:8123/?application=me@corp&access_token=tok123", secrets: ["tok123"] },
      { url: "http://h:8123/?password=p@ss&x=1", secrets: ["p@ss", "ss&x"] },
      { url: "http://h:8123/?access_token=ab@cd", secrets: ["ab", "cd"] },
      { url: "http://alice:s3?token=x@h:8123", secrets: ["alice", "s3", "x@"] },
      { url: "http://alice:s3?cret@h:8123/?access_token=t0k", secrets: ["alice", "cret", "t0k"] }
    ]
    for (const { url, secrets } of cases) {
      const shown = displayStoreUrl(url)
      for (const secret of secrets) expect({ url, shown, leaks: shown.includes(secret) }).toEqual({ url, shown, leaks: false })
    }
    expect(displayStoreUrl("http://h:8123/?application=me@corp&access_token=tok123")).toBe("http://***@corp&access_token=***")
  })
})
