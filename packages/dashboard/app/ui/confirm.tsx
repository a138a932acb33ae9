// A question asked before an action that cannot be taken back: a modal <dialog> (the rest of
// the page is inert while it is open), whose Tab and Shift+Tab go round its own buttons,
// which closes on Escape, and which gives focus back to what had it when it closes.
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
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
      if (before?.isConnected) before.focus();
    };
  }, []);

  const keepFocusInside = (event: KeyboardEvent) => {
    if (event.key !== 'Tab' || ref.current === null) return;
    const focusable = [...ref.current.querySelectorAll<HTMLElement>('button, a[href], input, select, textarea')].filter(
      (element) => !element.hasAttribute('disabled'),
    );
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (first === undefined || last === undefined) return;
    const active = document.activeElement;
    if (event.shiftKey && (active === first || !ref.current.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !ref.current.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  };

  return (
    <dialog ref={ref} class="dialog" aria-labelledby={titleId} onClose={onClose} onKeyDown={keepFocusInside}>
      <h2 id={titleId}>{question}</h2>
      {children}
      <div class="dialog-actions">
        {/* biome-ignore lint/a11y/noAutofocus: a dialog that cannot be undone opens on its safe answer */}
        <button type="button" class="button" onClick={onClose} autoFocus={danger === true}>
          {cancelLabel}
        </button>
        <button
          type="button"
          class={danger === true ? 'button danger' : 'button primary'}
          // biome-ignore lint/a11y/noAutofocus: otherwise the dialog opens on its answer
          autoFocus={danger !== true}
          onClick={onConfirm}
        >
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
