/** The `<option>`s of a service picker: name and length. */
export function ServiceOptions({ services }: { services: readonly { id: string; name: string; durationMin: number }[] | undefined }) {
  return (
    <>
      {services?.map((s) => (
        <option key={s.id} value={s.id}>
          {s.name} · {s.durationMin} min
        </option>
      ))}
    </>
  );
}
