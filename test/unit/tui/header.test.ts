import { cleanup } from "ink-testing-library"
import React from "react"
import { afterEach, describe, expect, it } from "vitest"
import { displayServer, displayServers } from "../../../src/domain/redact.ts"
import { Header } from "../../../src/tui/views/Header.ts"
import { renderAt, text } from "./render.ts"

const T0 = Date.parse("2026-03-01T12:00:00Z")

afterEach(() => cleanup())

describe("the header shows the NATS server as the daemon logs it: credentials masked", () => {
  it.each([
    "nats://u:pw@h:4222",
    "nats://alice:pw@h:4222,nats://bob:pw@h2:4222",
    "u:pw@h:4222",
    "tls://tok:pw%40x@h:4222"
  ])("%s", (server) => {
    for (const status of ["connected", "disconnected"] as const) {
      const frame = text(renderAt(120, React.createElement(Header, {
        width: 120,
        prefix: "rewind",
        connection: { status, server, since: T0 },
        now: T0
      })).lastFrame())
      expect(frame).toContain("***@h")
      expect(frame).not.toContain("pw")
    }
  })
})

describe("displayServer", () => {
  it("masks user:password@ or token@, with or without a scheme, and leaves the rest", () => {
    expect(displayServer("nats://u:pw@h:4222")).toBe("nats://***@h:4222")
    expect(displayServer("u:pw@h:4222")).toBe("***@h:4222")
    expect(displayServer("nats://u:p@ss/w@h:4222")).toBe("nats://***@h:4222")
    expect(displayServer("nats://h:4222")).toBe("nats://h:4222")
    expect(displayServers(["nats://a:x@h1:4222", "nats://h2:4222"])).toBe("nats://***@h1:4222,nats://h2:4222")
    expect(displayServers("nats://a:x@h1:4222,b:y@h2:4222")).toBe("nats://***@h1:4222,***@h2:4222")
  })
})
