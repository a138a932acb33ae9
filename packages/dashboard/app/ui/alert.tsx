// The API's message for a failed call, in place, announced to screen readers.
export function Alert({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <p class="alert" role="alert">
      {message}
    </p>
  );
}
