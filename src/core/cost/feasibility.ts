import type { HeadroomResult } from './headroom.ts';

/**
 * Whether one account and Region can carry a design at the scenario's load, from its quota headroom
 * (current quotas). A load beyond the headroom is flagged and said plainly, never priced silently as if
 * it ran: it needs more account-Regions (the quotas are per account and Region) or a quota increase.
 */
export interface Feasibility {
  /** Streams at the load. */
  readonly streams: number;
  /** Streams one account-Region sustains before the first quota binds; null when none binds. */
  readonly maxStreams: number | null;
  readonly feasible: boolean;
  /** Label of the quota that binds first; null when none binds. */
  readonly bindingQuota: string | null;
  /**
   * Account-Regions the load needs under current quotas, ceil(streams / maxStreams); null when one is
   * enough, or when no number of accounts helps (one stream alone exceeds a per-prefix S3 rate).
   */
  readonly accountRegionsNeeded: number | null;
  /** One sentence for the report, the summary and the JSON. */
  readonly summary: string;
}

export function feasibilityAt(headroom: HeadroomResult, streams: number): Feasibility {
  const { maxStreams, binding } = headroom;
  const bindingQuota = binding?.label ?? null;
  if (maxStreams === null || streams <= maxStreams) {
    return {
      streams,
      maxStreams,
      feasible: true,
      bindingQuota,
      accountRegionsNeeded: null,
      summary:
        maxStreams === null
          ? `${streams.toLocaleString('en-US')} streams: no quota binds.`
          : `${streams.toLocaleString('en-US')} streams fit one account-Region (up to ${maxStreams.toLocaleString('en-US')} before ${bindingQuota} binds).`,
    };
  }
  if (maxStreams === 0) {
    return {
      streams,
      maxStreams,
      feasible: false,
      bindingQuota,
      accountRegionsNeeded: null,
      summary: `Infeasible as built: one stream alone exceeds ${bindingQuota}; it needs a quota increase or another key layout.`,
    };
  }
  const accounts = Math.ceil(streams / maxStreams);
  return {
    streams,
    maxStreams,
    feasible: false,
    bindingQuota,
    accountRegionsNeeded: accounts,
    summary: `Beyond one account-Region: ${streams.toLocaleString('en-US')} streams need ${accounts} account-Regions (${bindingQuota} binds at ${maxStreams.toLocaleString('en-US')} streams), or a quota increase; priced as if spread over them.`,
  };
}
