/**
 * Genesys Cloud regions: each region's domain, its API host `api.<domain>` and its OAuth host
 * `login.<domain>`. The list is the official SDK's (purecloud-platform-client-v2,
 * PureCloudRegionHosts.js, v262); a region is named by its domain (`mypurecloud.ie`,
 * `usw2.pure.cloud`) or by the SDK's region id (`eu_west_1`, also written `eu-west-1`).
 */

/** The SDK's region ids → their domains. */
export const GenesysRegions: Readonly<Record<string, string>> = {
  us_east_1: "mypurecloud.com",
  eu_west_1: "mypurecloud.ie",
  ap_southeast_2: "mypurecloud.com.au",
  ap_northeast_1: "mypurecloud.jp",
  eu_central_1: "mypurecloud.de",
  us_west_2: "usw2.pure.cloud",
  ca_central_1: "cac1.pure.cloud",
  ap_northeast_2: "apne2.pure.cloud",
  eu_west_2: "euw2.pure.cloud",
  ap_south_1: "aps1.pure.cloud",
  us_east_2: "use2.us-gov-pure.cloud",
  sa_east_1: "sae1.pure.cloud",
  me_central_1: "mec1.pure.cloud",
  ap_northeast_3: "apne3.pure.cloud",
  eu_central_2: "euc2.pure.cloud",
  mx_central_1: "mxc1.pure.cloud",
  ap_southeast_1: "apse1.pure.cloud",
  eusc_de_east_1: "edee1.eusc-pure.cloud"
}

/** The domain of a region given by domain or id (case and `-`/`_` do not matter); undefined when unknown. */
export const regionDomain = (name: string): string | undefined => {
  const n = name.trim().toLowerCase()
  const domains = Object.values(GenesysRegions)
  if (domains.includes(n)) return n
  return GenesysRegions[n.replace(/-/g, "_")]
}

/** For messages: every region, `domain (id)`. */
export const knownRegions = (): string =>
  Object.entries(GenesysRegions).map(([id, domain]) => `${domain} (${id.replace(/_/g, "-")})`).join(", ")

/** The API and OAuth hosts of a region's domain. */
export const regionUrls = (domain: string): { readonly apiUrl: string; readonly loginUrl: string } => ({
  apiUrl: `https://api.${domain}`,
  loginUrl: `https://login.${domain}`
})
