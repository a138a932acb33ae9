// A question asked before an action that cannot be taken back: a modal <dialog>, which keeps
// focus inside it and closes on Escape by itself; the confirming button is focused first.
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';

export function Confirm({
  question,
  confirmLabel,
  cancelLabel,
  danger,
  children,
  onConfirm,
  onClose,
}: {
  question: string;
  confirmLabel: string;
  cancelLabel: string;
  danger?: boolean;
  children?: ComponentChildren;
  onConfirm(): void;
  onClose(): void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    if (!dialog.open) dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
    };
  }, []);
  return (
    <dialog ref={ref} class="dialog" aria-labelledby={titleId} onClose={onClose}>
      <h2 id={titleId}>{question}</h2>
      {children}
      <div class="dialog-actions">
        <button type="button" class="button" onClick={onClose}>
          {cancelLabel}
        </button>
        <button
          type="button"
          class={danger === true ? 'button danger' : 'button primary'}
          // biome-ignore lint/a11y/noAutofocus: the dialog's first answer is where focus belongs when it opens
          autoFocus
          onClick={onConfirm}
        >
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
