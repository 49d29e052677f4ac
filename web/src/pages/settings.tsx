import { type FormEvent, useState } from 'react';
import { api } from '../api.ts';
import { SelectField, TextField } from '../components/form.tsx';
import { Badge, Card, PageHeader } from '../components/layout.tsx';
import { Async, Empty, FormError } from '../components/states.tsx';
import { actionsColumn, DataTable } from '../components/table.tsx';
import { formatDate, formatDateTime } from '../format.ts';
import { type Role, roleAtLeast, useSession } from '../session.ts';
import { useAction, useApi } from '../use-api.ts';

const roles: { role: Role; what: string }[] = [
  { role: 'owner', what: 'everything, including API keys and users' },
  { role: 'admin', what: 'push programs, settings, restrictions, access decisions' },
  { role: 'reviewer', what: 'work requests, see identities, record consent' },
  { role: 'auditor', what: 'read-only: records, logs, exports' },
];

/** The roles as drop-down options. */
const roleOptions = (list: typeof roles) => list.map((r) => [r.role, r.role] as const);

export default function Settings() {
  const session = useSession();
  return (
    <>
      <PageHeader
        title="Settings"
        description="Your workspace, the people who use the console, and API keys."
      />
      <div className="grid-2">
        <Card title="Workspace">
          <dl className="facts">
            <dt>Name</dt>
            <dd>{session.workspace.name}</dd>
            <dt>Id</dt>
            <dd>
              <code>{session.workspace.id}</code>
            </dd>
            <dt>Created</dt>
            <dd>{formatDate(session.workspace.created_at)}</dd>
            <dt>You</dt>
            <dd>
              {session.actor} · {session.role} · signed in with{' '}
              {session.via === 'key' ? 'an API key' : 'your account'}
            </dd>
          </dl>
        </Card>
        <Card title="Roles">
          <ul className="plain small">
            {roles.map((r) => (
              <li key={r.role}>
                <strong>{r.role}</strong> — {r.what}
              </li>
            ))}
          </ul>
        </Card>
      </div>
      <Users />
      {roleAtLeast(session.role, 'admin') ? (
        <ApiKeys canCreate={session.role === 'owner'} />
      ) : (
        <Card title="API keys">
          <p className="muted">Only admins and owners see API keys.</p>
        </Card>
      )}
    </>
  );
}

interface User {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  created_at: string;
  last_sign_in_at: string | null;
  locked_until: string | null;
  disabled_at: string | null;
}

function Users() {
  const session = useSession();
  const isAdmin = roleAtLeast(session.role, 'admin');
  const isOwner = session.role === 'owner';
  const loaded = useApi<{ users: User[] }>(isAdmin ? '/api/users' : null);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('reviewer');
  const [invited, setInvited] = useState<string | null>(null);
  const invite = useAction(async () => {
    const result = await api<{ email: string; role: string; expires_at: string; notified: boolean }>(
      'POST',
      '/api/users/invitations',
      { body: { email, role } },
    );
    setInvited(
      result.notified
        ? `Invitation emailed to ${result.email} as ${result.role}; the link works until ${formatDate(result.expires_at)}.`
        : `The invitation for ${result.email} was created but the email was not accepted by the mail server.`,
    );
    setEmail('');
    loaded.reload();
  });
  const update = useAction(
    async (id: string, change: { role?: Role; disabled?: boolean; unlock?: boolean }) => {
      await api('PATCH', `/api/users/${id}`, { body: change });
      loaded.reload();
    },
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void invite.run();
  };
  if (!isAdmin)
    return (
      <Card title="Users">
        <p className="muted">Only admins and owners manage console users.</p>
      </Card>
    );
  return (
    <Card title="Users and invitations">
      <Async loaded={loaded} feature="Console users">
        {({ users }) => (
          <DataTable
            items={users}
            columns={['Person', 'Role', 'Last sign-in', 'State', isOwner && actionsColumn]}
            empty={
              <Empty title="No console users yet">
                Invite your privacy team below: each person sets a password from the emailed link and signs in
                with their email.
              </Empty>
            }
          >
            {(u) => (
              <tr key={u.id}>
                <td>
                  {u.name ?? u.email}
                  <div className="small muted">{u.email}</div>
                </td>
                <td>
                  {isOwner ? (
                    <select
                      aria-label={`Role of ${u.email}`}
                      value={u.role}
                      onChange={(e) => void update.run(u.id, { role: e.target.value as Role })}
                    >
                      {roles.map((r) => (
                        <option key={r.role} value={r.role}>
                          {r.role}
                        </option>
                      ))}
                    </select>
                  ) : (
                    u.role
                  )}
                </td>
                <td>{formatDateTime(u.last_sign_in_at)}</td>
                <td>
                  {u.disabled_at ? (
                    <Badge tone="bad">disabled</Badge>
                  ) : u.locked_until && new Date(u.locked_until) > new Date() ? (
                    <Badge tone="warn">locked</Badge>
                  ) : (
                    <Badge tone="good">active</Badge>
                  )}
                </td>
                {isOwner && (
                  <td>
                    <button type="button" onClick={() => void update.run(u.id, { disabled: !u.disabled_at })}>
                      {u.disabled_at ? 'Enable' : 'Disable'}
                      <span className="sr-only"> {u.email}</span>
                    </button>
                  </td>
                )}
              </tr>
            )}
          </DataTable>
        )}
      </Async>
      <form className="row" onSubmit={submit} style={{ marginTop: '0.75rem' }} aria-label="Invite a user">
        <TextField label="Email" type="email" required value={email} onChange={setEmail} />
        <SelectField
          label="Role"
          value={role}
          onChange={(v) => setRole(v as Role)}
          options={roleOptions(roles.filter((r) => roleAtLeast(session.role, r.role)))}
        />
        <button type="submit" className="primary" disabled={invite.busy}>
          Invite
        </button>
      </form>
      <FormError error={invite.error ?? update.error} />
      {invited && (
        <p className="notice" role="status">
          {invited}
        </p>
      )}
    </Card>
  );
}

interface ApiKey {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

function ApiKeys({ canCreate }: { canCreate: boolean }) {
  const loaded = useApi<{ keys: ApiKey[] }>('/api/keys');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('reviewer');
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const create = useAction(async () => {
    const key = await api<{ name: string; secret: string }>('POST', '/api/keys', { body: { name, role } });
    setSecret({ name: key.name, secret: key.secret });
    setName('');
    loaded.reload();
  });
  const revoke = useAction(async (id: string) => {
    await api('DELETE', `/api/keys/${id}`);
    loaded.reload();
  });
  return (
    <Card title="API keys">
      {secret && (
        <div className="secret" role="status">
          <strong>Copy the key “{secret.name}” now — it is shown only once.</strong>
          <p>
            <code data-testid="new-key">{secret.secret}</code>
          </p>
          <button type="button" onClick={() => setSecret(null)}>
            I have stored it
          </button>
        </div>
      )}
      <FormError error={create.error ?? revoke.error} />
      <Async loaded={loaded} feature="API keys">
        {({ keys }) => (
          <DataTable items={keys} columns={['Name', 'Role', 'Key', 'Created', 'Last used', actionsColumn]}>
            {(k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td>{k.role}</td>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>{formatDate(k.created_at)}</td>
                <td>{formatDateTime(k.last_used_at)}</td>
                <td>
                  {k.revoked_at ? (
                    <Badge>revoked</Badge>
                  ) : canCreate ? (
                    <button
                      type="button"
                      className="danger"
                      onClick={() => {
                        // Revoking the key this console signed in with ends this session too.
                        if (confirm(`Revoke the key “${k.name}”? Anything using it stops working at once.`))
                          void revoke.run(k.id);
                      }}
                    >
                      Revoke<span className="sr-only"> {k.name}</span>
                    </button>
                  ) : null}
                </td>
              </tr>
            )}
          </DataTable>
        )}
      </Async>
      {canCreate && (
        <form
          className="row"
          style={{ marginTop: '0.75rem' }}
          aria-label="Create an API key"
          onSubmit={(e) => {
            e.preventDefault();
            void create.run();
          }}
        >
          <TextField
            label="Key name"
            required
            maxLength={100}
            value={name}
            onChange={setName}
            placeholder="CI deploy"
          />
          <SelectField
            label="Role"
            value={role}
            onChange={(v) => setRole(v as Role)}
            options={roleOptions(roles)}
          />
          <button type="submit" className="primary" disabled={create.busy}>
            Create key
          </button>
        </form>
      )}
    </Card>
  );
}
