import type { AccessGrantsTable } from '../../store/schema.ts';

export type GrantState = 'requested' | 'active' | 'expired' | 'denied' | 'revoked';

/** What a grant means at `now`: an approval ends by itself when its time is up. */
export function grantState(grant: Pick<AccessGrantsTable, 'status' | 'expires_at'>, now: Date): GrantState {
  if (grant.status === 'approved') {
    return grant.expires_at && new Date(grant.expires_at).getTime() > now.getTime() ? 'active' : 'expired';
  }
  return grant.status;
}

/** A grant as the API shows it: with its state now and the hours left. */
export function presentGrant<G extends Pick<AccessGrantsTable, 'status' | 'expires_at'>>(
  grant: G,
  now: Date,
) {
  const state = grantState(grant, now);
  const msLeft = grant.expires_at ? new Date(grant.expires_at).getTime() - now.getTime() : 0;
  return {
    ...grant,
    state,
    hours_left: state === 'active' ? Math.round((msLeft / 3_600_000) * 10) / 10 : 0,
  };
}
