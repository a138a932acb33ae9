// A labelled form field: the label names its control through `for`, not by wrapping it (a
// wrapped select would add its chosen option to the label's text).
import { type ComponentChildren, cloneElement, type VNode } from 'preact';
import { useId } from 'preact/hooks';

export function Field({
  label,
  children,
  after,
  class: className,
}: {
  label: string;
  /** The one control the label names. */
  children: VNode<{ id?: string }>;
  /** What follows the control in the field (a hint, a datalist). */
  after?: ComponentChildren;
  class?: string;
}) {
  const id = useId();
  return (
    <div class={className === undefined ? 'field' : `field ${className}`}>
      <label for={id}>{label}</label>
      {cloneElement(children, { id })}
      {after}
    </div>
  );
}
