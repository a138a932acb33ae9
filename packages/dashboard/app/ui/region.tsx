// A titled region of a page: role region named by its heading, for landmarks navigation.
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';

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

/**
 * A table that scrolls sideways inside its region on a narrow screen. Only while it does
 * overflow is it a stop of the Tab key, so that a keyboard can scroll it.
 */
export function TableScroll({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLDivElement>(null);
  const [overflows, setOverflows] = useState(false);
  useEffect(() => {
    const box = ref.current;
    if (box === null) return;
    const measure = () => setOverflows(box.scrollWidth > box.clientWidth + 1);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(box);
    if (box.firstElementChild !== null) observer.observe(box.firstElementChild);
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={ref} class="table-scroll" tabIndex={overflows ? 0 : undefined}>
      {children}
    </div>
  );
}
