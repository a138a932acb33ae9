// Asked for when the API answers 401: the token is kept for this tab only (sessionStorage)
// and sent as `Authorization: Bearer` on every call.
import { useState } from 'preact/hooks';
import { saveToken } from '../lib/api.js';
import { Field } from '../ui/field.js';

export function SignIn({ onSignedIn, refused }: { onSignedIn(): void; refused: string | undefined }) {
  const [token, setToken] = useState('');
  const submit = (event: Event) => {
    event.preventDefault();
    const trimmed = token.trim();
    if (trimmed === '') return;
    saveToken(trimmed);
    onSignedIn();
  };
  return (
    <div class="sign-in">
      <h1 tabIndex={-1}>Sign in</h1>
      <p class="muted">
        This server asks for an API token. It is kept in this tab only, until you sign out or close it.
      </p>
      {refused !== undefined && (
        <p class="alert" role="alert">
          {refused} — check the token and sign in again.
        </p>
      )}
      <form class="panel form" onSubmit={submit} aria-label="Sign in">
        <Field label="API token">
          <input
            type="password"
            autoComplete="off"
            spellcheck={false}
            value={token}
            onInput={(event) => setToken(event.currentTarget.value)}
            required
          />
        </Field>
        <button type="submit" class="button primary">
          Sign in
        </button>
      </form>
    </div>
  );
}
