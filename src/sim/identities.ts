/** Deterministic identities of the simulated organisation: hashes, e-mail addresses, phone numbers. */

/** FNV-1a of a string (32 bits). */
export const fnv = (s: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return h >>> 0
}

export const iso = (ms: number): string => new Date(ms).toISOString()

export const OrgDomain = "northwind.example"
export const agentEmail = (agentId: string): string => `${agentId}@agents.${OrgDomain}`
export const customerEmail = (conversationId: string): string => `customer-${fnv(conversationId).toString(16).padStart(8, "0")}@example.com`
export const queueEmail = (queueId: string): string => `${queueId}@${OrgDomain}`
/** The customer's phone number (chat, messaging and voice conversations). */
export const customerPhone = (conversationId: string): string => `+1555${String(fnv(conversationId) % 10_000_000).padStart(7, "0")}`
