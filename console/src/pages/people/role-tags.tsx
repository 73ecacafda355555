/** A person's roles as their names, or a dash when they hold none. */
export function RoleTags({ roles }: { roles: readonly string[] }) {
  if (roles.length === 0) return <>–</>;
  return (
    <>
      {roles.map((r) => (
        <code key={r} className="tag">
          {r}
        </code>
      ))}
    </>
  );
}
