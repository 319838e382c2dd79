/** The test harness uses the same launcher as `rewind demo`. */
export {
  findNatsServer,
  type NatsServerHandle,
  type NatsServerOptions,
  startNatsServer
} from "../../src/nats/localServer.ts"
