import { createContext, useContext } from 'react';

export type Role = 'owner' | 'admin' | 'reviewer' | 'auditor';

/** Who is signed in, from GET /api/workspace. */
export interface Session {
  workspace: { id: string; name: string; created_at: string };
  role: Role;
  actor: string;
  /** How the console authenticates: a pasted API key or a session cookie. */
  via: 'key' | 'session';
}

const rank: Record<Role, number> = { auditor: 0, reviewer: 1, admin: 2, owner: 3 };

export function roleAtLeast(role: Role, needed: Role): boolean {
  return rank[role] >= rank[needed];
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside the signed-in console');
  return s;
}
