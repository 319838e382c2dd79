/**
 * Runs the simulator in its own process (own event loop): `node simProcess.ts '<SimOptions JSON>'`.
 * Prints `{"url": …}` on one line when listening; stops on SIGTERM/SIGINT.
 */
import { type SimOptions, startSim } from "../../../src/sim/server.ts"

const options = JSON.parse(process.argv[2] ?? "{}") as SimOptions
const sim = await startSim(options)
process.stdout.write(`${JSON.stringify({ url: sim.url })}\n`)
const stop = () => {
  void sim.stop().then(() => process.exit(0))
}
process.on("SIGTERM", stop)
process.on("SIGINT", stop)
