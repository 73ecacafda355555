/** Names of roles or door keys, each as a tag, or a dash when there are none. */
export function NameTags({ names }: { names: readonly string[] }) {
  if (names.length === 0) return <>–</>;
  return (
    <>
      {names.map((n) => (
        <code key={n} className="tag">
          {n}
        </code>
      ))}
    </>
  );
}
