-- Console users (email + scrypt password or one-time email link), server-side sessions
-- stored hashed, and one-time tokens for invitations and sign-in links.
CREATE TABLE users (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  email text NOT NULL,
  name text,
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'reviewer', 'auditor')),
  password_hash text,
  password_salt text,
  password_params jsonb,
  failed_attempts integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  last_sign_in_at timestamptz,
  disabled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- One account per address: sign-in finds the workspace from the email.
CREATE UNIQUE INDEX users_email ON users (lower(email));
CREATE INDEX users_workspace ON users (workspace_id);

CREATE TABLE sessions (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  user_id uuid NOT NULL REFERENCES users(id),
  token_hash text NOT NULL UNIQUE,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX sessions_user ON sessions (workspace_id, user_id);

CREATE TABLE user_tokens (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  kind text NOT NULL CHECK (kind IN ('invitation', 'magic_link')),
  email text NOT NULL,
  role text CHECK (role IN ('owner', 'admin', 'reviewer', 'auditor')),
  token_hash text NOT NULL UNIQUE,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_by text,
  created_at timestamptz NOT NULL
);
