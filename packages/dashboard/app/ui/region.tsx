// A titled region of a page: role region named by its heading, for landmarks navigation.
import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';

export function Region({
  title,
  children,
  actions,
  class: className,
}: {
  title: string;
  children: ComponentChildren;
  actions?: ComponentChildren;
  class?: string;
}) {
  const id = useId();
  return (
    <section class={`panel ${className ?? ''}`} aria-labelledby={id}>
      <header class="panel-head">
        <h2 id={id}>{title}</h2>
        {actions}
      </header>
      <div class="panel-body">{children}</div>
    </section>
  );
}

/** A table that scrolls sideways inside its region on a narrow screen. */
export function TableScroll({ children }: { children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling box must be reachable by keyboard to scroll it
    <div class="table-scroll" tabIndex={0}>
      {children}
    </div>
  );
}
