import { describe, expect, it } from "vitest"
import { platformEndpoint, statusClass } from "../../../src/daemon/platformHttp.ts"
import { Paths } from "../../../src/platform/genesys.ts"

describe("the platform latency histogram's labels", () => {
  it("name every path the client calls as rewind_platform_requests_total does, ids never in a label", () => {
    const api = "https://api.mypurecloud.de"
    expect(platformEndpoint(`https://login.mypurecloud.de${Paths.token}`)).toBe("token")
    expect(platformEndpoint(`${api}${Paths.detailsQuery}`)).toBe("conversations.query")
    expect(platformEndpoint(`${api}${Paths.recordingMetadata("3f2c-a/b")}`)).toBe("recordingmetadata")
    expect(platformEndpoint(`${api}${Paths.recording("3f2c", "r-9")}?formatId=NONE`)).toBe("recording")
    expect(platformEndpoint(`${api}${Paths.staTopics}?pageSize=500`)).toBe("sta.topics")
    expect(platformEndpoint(`${api}${Paths.staTopic("t-1")}`)).toBe("sta.topic")
    expect(platformEndpoint(`${api}${Paths.staPrograms}`)).toBe("sta.programs")
    expect(platformEndpoint(`${api}${Paths.staProgramMappings}`)).toBe("sta.mappings")
    // a simulator under a path prefix, and anything else
    expect(platformEndpoint(`http://127.0.0.1:8080/sim${Paths.detailsQuery}`)).toBe("conversations.query")
    expect(platformEndpoint(`${api}/api/v2/users/me`)).toBe("other")
    expect(platformEndpoint("not a url")).toBe("other")
  })

  it("group statuses by class, 429 on its own", () => {
    expect([200, 202, 400, 401, 404, 408, 429, 500, 503].map(statusClass)).toEqual(["2xx", "2xx", "4xx", "4xx", "4xx", "4xx", "429", "5xx", "5xx"])
  })
})
