import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import type { DesktopSettings } from '@frontdesk/shared';
import { rememberDeskName, storedDeskName } from '../lib/desk-memory.js';
import { sentenceFor } from '../lib/errors.js';
import { setSession } from '../lib/session.js';
import { useTRPC } from '../lib/trpc.js';

export function Login({ settings }: { settings: DesktopSettings }) {
  const trpc = useTRPC();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [desk, setDesk] = useState(settings.deskName || storedDeskName());
  const login = useMutation(trpc.auth.login.mutationOptions());

  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate(
      { email, password, desk },
      {
        onSuccess: async (result) => {
          rememberDeskName(desk);
          if (window.frontdesk && desk !== settings.deskName) await window.frontdesk.saveSettings({ ...settings, deskName: desk });
          await setSession({ token: result.token, staff: result.staff, desk, mustChangePassword: result.mustChangePassword });
        },
      },
    );
  };

  return (
    <div className="login">
      <form className="card" onSubmit={submit} data-testid="login-form">
        <h1>Frontdesk</h1>
        <p className="muted">Sign in to your desk</p>
        <label>
          Email
          <input data-testid="login-email" type="email" autoFocus autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required />
        </label>
        <label>
          Password
          <input data-testid="login-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        <label>
          Desk name
          <input data-testid="login-desk" placeholder="e.g. Front desk 1" value={desk} onChange={(e) => setDesk(e.target.value)} />
        </label>
        {login.error && (
          <p className="error" data-testid="login-error" role="alert">
            {sentenceFor(login.error) === 'Please sign in again.' ? 'That email and password do not match.' : sentenceFor(login.error)}
          </p>
        )}
        <button data-testid="login-submit" className="primary" disabled={login.isPending}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small">Server: {settings.serverUrl}</p>
      </form>
    </div>
  );
}
