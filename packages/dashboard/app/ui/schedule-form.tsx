// The form that creates a schedule, or edits one: a cron trigger in a zone and the job it
// makes. Under the cron field, what the expression means (POST /v1/schedules/preview) as one
// types; the API's own message when it is wrong. Saving is PUT /v1/schedules/:id, which
// checks everything again and writes nothing when refused.
import { useEffect, useId, useMemo, useState } from 'preact/hooks';
import { ApiError, type Preview, previewSchedule, putSchedule, type Schedule } from '../lib/api.js';
import { viewerZone } from '../lib/clock.js';
import { scheduleHref } from '../lib/router.js';
import { formatWithOffset } from '../lib/time.js';
import { scheduleBody } from '../lib/trigger.js';
import { Field } from './field.js';

const PREVIEW_DELAY_MS = 300;

export function ScheduleForm({
  title,
  existing,
  defaultTenant,
  onSaved,
}: {
  title: string;
  existing?: Schedule;
  defaultTenant?: string;
  onSaved(schedule: Schedule): void;
}) {
  const headingId = useId();
  const zonesId = useId();
  const cronId = useId();
  const [id, setId] = useState(existing?.id ?? '');
  const [tenant, setTenant] = useState(existing?.tenant ?? defaultTenant ?? 'default');
  const [name, setName] = useState(existing?.name ?? '');
  const [cron, setCron] = useState(existing?.cron ?? '');
  const [tz, setTz] = useState(existing?.tz ?? viewerZone());
  const [payload, setPayload] = useState(
    existing?.payload === undefined ? '' : JSON.stringify(existing.payload, null, 2),
  );
  const [preview, setPreview] = useState<Preview | undefined>();
  const [previewError, setPreviewError] = useState<string | undefined>();
  const [saveError, setSaveError] = useState<string | undefined>();
  const [saved, setSaved] = useState<Schedule | undefined>();
  const [saving, setSaving] = useState(false);
  const zones = useMemo(() => supportedZones(), []);

  // What the expression means, a moment after the last key stroke.
  useEffect(() => {
    setPreview(undefined);
    setPreviewError(undefined);
    if (cron.trim() === '') return;
    let current = true;
    const timer = setTimeout(() => {
      previewSchedule({ cron: cron.trim(), ...(tz.trim() === '' ? {} : { tz: tz.trim() }), count: 3 }).then(
        (answer) => {
          if (current) setPreview(answer);
        },
        (error: unknown) => {
          if (!current) return;
          // A server without the preview route shows no description, and no error.
          if (error instanceof ApiError && error.status === 404) return;
          setPreviewError(error instanceof Error ? error.message : String(error));
        },
      );
    }, PREVIEW_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [cron, tz]);

  const edited =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      set(value);
      setSaveError(undefined);
      setSaved(undefined);
    };

  const submit = async (event: Event) => {
    event.preventDefault();
    setSaveError(undefined);
    setSaved(undefined);
    let parsedPayload: unknown;
    if (payload.trim() !== '') {
      try {
        parsedPayload = JSON.parse(payload);
      } catch (error) {
        setSaveError(`Payload (JSON): not valid JSON (${error instanceof Error ? error.message : String(error)})`);
        return;
      }
    }
    setSaving(true);
    try {
      const schedule = await putSchedule(
        tenant.trim(),
        id.trim(),
        scheduleBody(existing, { name: name.trim(), cron: cron.trim(), tz: tz.trim(), payload: parsedPayload }),
      );
      setSaved(schedule);
      onSaved(schedule);
    } catch (error) {
      setSaveError(error instanceof Error ? error.message : String(error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form class="panel form" aria-labelledby={headingId} onSubmit={submit} noValidate>
      <header class="panel-head">
        <h2 id={headingId}>{title}</h2>
      </header>
      <div class="panel-body form-grid">
        <Field label="Schedule id">
          <input
            value={id}
            readOnly={existing !== undefined}
            onInput={(e) => edited(setId)(e.currentTarget.value)}
            placeholder="nightly-report"
            autoComplete="off"
          />
        </Field>
        <Field label="Tenant">
          <input
            value={tenant}
            readOnly={existing !== undefined}
            onInput={(e) => edited(setTenant)(e.currentTarget.value)}
            autoComplete="off"
          />
        </Field>
        <Field label="Job name">
          <input
            value={name}
            onInput={(e) => edited(setName)(e.currentTarget.value)}
            placeholder="report.build"
            autoComplete="off"
          />
        </Field>
        <div class="field field-cron">
          <label for={cronId}>Cron expression</label>
          <input
            id={cronId}
            value={cron}
            class="mono"
            onInput={(e) => edited(setCron)(e.currentTarget.value)}
            placeholder="30 2 * * *"
            autoComplete="off"
            spellcheck={false}
          />
          <output class="hint cron-description" aria-label="Cron description" aria-live="polite">
            {preview !== undefined && (
              <>
                {preview.description}
                {preview.fires[0] !== undefined && (
                  <span class="muted">
                    {' '}
                    · next {formatWithOffset(Date.parse(preview.fires[0]), preview.tz ?? 'UTC')}
                  </span>
                )}
              </>
            )}
          </output>
          {previewError !== undefined && saveError === undefined && (
            <p class="alert" role="alert">
              {previewError}
            </p>
          )}
        </div>
        <Field
          label="Time zone"
          after={
            <datalist id={zonesId}>
              {zones.map((zone) => (
                <option key={zone} value={zone} />
              ))}
            </datalist>
          }
        >
          <input
            value={tz}
            list={zonesId}
            onInput={(e) => edited(setTz)(e.currentTarget.value)}
            placeholder="UTC"
            autoComplete="off"
            spellcheck={false}
          />
        </Field>
        <Field label="Payload (JSON)" class="field-wide">
          <textarea
            value={payload}
            class="mono"
            rows={4}
            onInput={(e) => edited(setPayload)(e.currentTarget.value)}
            placeholder='{"kind": "nightly"}'
            spellcheck={false}
          />
        </Field>
        <div class="form-actions field-wide">
          <button type="submit" class="button primary" disabled={saving}>
            Save schedule
          </button>
          {saveError !== undefined && (
            <p class="alert" role="alert">
              {saveError}
            </p>
          )}
          {saved !== undefined && (
            <p class="success" role="status">
              Saved <a href={scheduleHref(saved.tenant, saved.id)}>Schedule {saved.id}</a>
            </p>
          )}
        </div>
      </div>
    </form>
  );
}

function supportedZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  try {
    return intl.supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
}
