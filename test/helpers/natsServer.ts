/** The test harness uses the same launchers as `rewind demo`. */
export {
  findNatsServer,
  type NatsServerHandle,
  type NatsServerOptions,
  startNatsServer
} from "../../src/nats/localServer.ts"
export { type NatsClusterHandle, type NatsClusterNode, startNatsCluster } from "../../src/nats/localCluster.ts"
