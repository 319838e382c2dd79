/**
 * Who wrote each message of an email conversation. Genesys Cloud sends the organisation's emails
 * from the queue's address (not the agent's own, which only the recording's `users` carry), so
 * the sides are told apart by the addresses the details query gives each participant's email
 * sessions: `addressSelf` (the participant's own side) and `addressOther` (the other side), else
 * `addressFrom`/`addressTo` read with the session's direction. Pure functions.
 */
import type { Participant } from "../domain/interaction.ts"
import type { AnalyticsConversation } from "./genesys.ts"
import type { EmailAddress, RecordingEmailMessage } from "./genesysRecordings.ts"

/** The addresses of an email conversation's two sides, normalized (lower case, no display name). */
export interface EmailParties {
  readonly customer: ReadonlyArray<string>
  readonly organization: ReadonlyArray<string>
}

/** `Jo <JO@Example.com> ` → `jo@example.com`; "" when there is no address. */
export const normalizeAddress = (raw: string | undefined): string => {
  const s = (raw ?? "").trim()
  const angle = /<([^<>]+)>/.exec(s)
  return (angle === null ? s : angle[1]!).trim().toLowerCase()
}

const isCustomerSide = (purpose: string | undefined): boolean => purpose === "customer" || purpose === "external"

/**
 * The sides' addresses, from the email sessions (and sessions that do not say their media type)
 * of the conversation's participants: a customer participant's own address is the customer's,
 * anyone else's the organisation's.
 */
export const emailPartiesOf = (c: AnalyticsConversation): EmailParties => {
  const customer = new Set<string>()
  const organization = new Set<string>()
  const add = (side: Set<string>, raw: string | undefined) => {
    const a = normalizeAddress(raw)
    if (a !== "") side.add(a)
  }
  for (const p of c.participants ?? []) {
    const own = isCustomerSide(p.purpose) ? customer : organization
    const other = own === customer ? organization : customer
    for (const s of p.sessions ?? []) {
      if (s.mediaType !== undefined && s.mediaType !== "email") continue
      if (s.addressSelf !== undefined || s.addressOther !== undefined) {
        add(own, s.addressSelf)
        add(other, s.addressOther)
      } else {
        const inbound = (s.direction ?? c.originatingDirection) !== "outbound"
        add(inbound ? customer : organization, s.addressFrom)
        add(inbound ? organization : customer, s.addressTo)
      }
    }
  }
  // An address on both sides tells nothing.
  for (const a of customer) {
    if (organization.delete(a)) customer.delete(a)
  }
  return { customer: [...customer], organization: [...organization] }
}

const addresses = (list: ReadonlyArray<EmailAddress> | undefined): Array<string> => (list ?? []).map((a) => normalizeAddress(a.email))

/**
 * The side of an email message: by its sender (`from`) among the customer's and the
 * organisation's addresses (the agents' own included); else by its recipients (`to`, `cc`) — a
 * message to the customer is the organisation's, one to the organisation the customer's; else
 * the customer's (someone outside the organisation).
 */
export const emailParticipant = (
  m: RecordingEmailMessage,
  customer: ReadonlySet<string>,
  organization: ReadonlySet<string>
): Participant => {
  const from = normalizeAddress(m.from?.email)
  if (customer.has(from)) return "external"
  if (organization.has(from)) return "internal"
  const recipients = [...addresses(m.to), ...addresses(m.cc)]
  if (recipients.some((a) => customer.has(a))) return "internal"
  if (recipients.some((a) => organization.has(a))) return "external"
  return "external"
}
