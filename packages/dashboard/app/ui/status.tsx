// A job status as a coloured dot and its name: the colour helps, the word says it.
export function Status({ status }: { status: string }) {
  return (
    <span class={`status status-${status}`}>
      <span class="dot" aria-hidden="true" />
      {status}
    </span>
  );
}
