/** A refusal or a slip, in plain words, where the person is looking; nothing when there is none. */
export function ErrorLine({ message, testId }: { message: string | null | undefined; testId?: string }) {
  if (!message) return null;
  return (
    <p className="error" role="alert" data-testid={testId}>
      {message}
    </p>
  );
}
