import * as Config from "effect/Config"
import * as Schema from "effect/Schema"

/** An integer setting within bounds; a bad value fails naming its key. */
export const intBetween = (key: string, minimum: number, maximum: number) =>
  Config.schema(Schema.NumberFromString.pipe(Schema.check(Schema.isInt(), Schema.isBetween({ minimum, maximum }))), key)
