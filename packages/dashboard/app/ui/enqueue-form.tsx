// Enqueue a job by hand (POST /v1/jobs): the API checks every field and answers its own
// message for a wrong one, shown here as it is.
import { useId, useState } from 'preact/hooks';
import { type EnqueueInput, enqueueJob } from '../lib/api.js';
import { jobHref } from '../lib/router.js';
import { Field } from './field.js';

export function EnqueueForm({ defaultTenant, onEnqueued }: { defaultTenant: string; onEnqueued(id: string): void }) {
  const headingId = useId();
  const [fields, setFields] = useState({
    name: '',
    tenant: defaultTenant,
    payload: '',
    priority: '',
    delay: '',
    tags: '',
  });
  const [error, setError] = useState<string | undefined>();
  const [created, setCreated] = useState<string | undefined>();
  const [sending, setSending] = useState(false);

  const set = (key: keyof typeof fields) => (event: { currentTarget: { value: string } }) => {
    setFields({ ...fields, [key]: event.currentTarget.value });
    setError(undefined);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    setCreated(undefined);
    const input: EnqueueInput = { name: fields.name.trim() };
    if (fields.tenant.trim() !== '') input.tenant = fields.tenant.trim();
    if (fields.payload.trim() !== '') {
      try {
        input.payload = JSON.parse(fields.payload);
      } catch (e) {
        setError(`Payload (JSON): not valid JSON (${e instanceof Error ? e.message : String(e)})`);
        return;
      }
    }
    // Numbers go as typed: the API says what it expects of a wrong one.
    if (fields.priority.trim() !== '') input.priority = numberOrText(fields.priority) as number;
    if (fields.delay.trim() !== '') input.delayMs = numberOrText(fields.delay) as number;
    const tags = fields.tags
      .split(',')
      .map((tag) => tag.trim())
      .filter((tag) => tag !== '');
    if (tags.length > 0) input.tags = tags;
    setSending(true);
    try {
      const { id } = await enqueueJob(input);
      setCreated(id);
      onEnqueued(id);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setSending(false);
    }
  };

  return (
    <form class="panel form" aria-labelledby={headingId} onSubmit={submit} noValidate>
      <header class="panel-head">
        <h2 id={headingId}>Enqueue a job</h2>
      </header>
      <div class="panel-body form-grid">
        <Field label="Name">
          <input value={fields.name} onInput={set('name')} placeholder="email.send" autoComplete="off" />
        </Field>
        <Field label="Tenant">
          <input value={fields.tenant} onInput={set('tenant')} placeholder="default" autoComplete="off" />
        </Field>
        <Field label="Priority">
          <input value={fields.priority} onInput={set('priority')} inputMode="numeric" placeholder="5" />
        </Field>
        <Field label="Delay (ms)">
          <input value={fields.delay} onInput={set('delay')} inputMode="numeric" placeholder="0" />
        </Field>
        <Field label="Tags (comma-separated)" class="field-wide">
          <input value={fields.tags} onInput={set('tags')} placeholder="billing, nightly" autoComplete="off" />
        </Field>
        <Field label="Payload (JSON)" class="field-wide">
          <textarea
            value={fields.payload}
            onInput={set('payload')}
            class="mono"
            rows={3}
            placeholder='{"to": "ada@example.com"}'
            spellcheck={false}
          />
        </Field>
        <div class="form-actions field-wide">
          <button type="submit" class="button primary" disabled={sending}>
            Enqueue
          </button>
          {error !== undefined && (
            <p class="alert" role="alert">
              {error}
            </p>
          )}
          {created !== undefined && (
            <p class="success" role="status">
              Enqueued <a href={jobHref(created)}>Job {created}</a>
            </p>
          )}
        </div>
      </div>
    </form>
  );
}

function numberOrText(text: string): number | string {
  const value = Number(text.trim());
  return Number.isFinite(value) ? value : text.trim();
}
