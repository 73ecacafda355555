import { useEffect, useState, type MouseEvent, type ReactNode } from 'react';

/**
 * Client-side routing with the History API: the server answers index.html for every path below the console,
 * so each page has its own address (bookmarks, reloads, the back button). Page paths are relative to the
 * console's root: '' is the overview, 'roles' is /t/<slug>/console/roles.
 */
const NAVIGATED = 'console:navigated';

export function navigate(basePath: string, page: string): void {
  window.history.pushState(null, '', basePath + page);
  window.dispatchEvent(new Event(NAVIGATED));
}

/** The current page path below `basePath`, re-rendering on navigation and on back/forward. */
export function usePagePath(basePath: string): string {
  const read = () => (window.location.pathname.startsWith(basePath) ? window.location.pathname.slice(basePath.length) : '');
  const [path, setPath] = useState(read);
  useEffect(() => {
    const update = () => setPath(read());
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATED, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATED, update);
    };
  });
  return path.replace(/\/+$/, '');
}

/** A link to a console page: an ordinary <a href> (open in new tab works), navigating in place on a plain click. */
export function PageLink(props: { basePath: string; to: string; current?: boolean; children: ReactNode }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(props.basePath, props.to);
  };
  return (
    <a href={props.basePath + props.to} onClick={onClick} aria-current={props.current ? 'page' : undefined}>
      {props.children}
    </a>
  );
}
