import { useEffect, useRef } from 'react';

/**
 * For the heading of a part that opens in place of another (give it tabIndex={-1}): keyboard and screen-reader
 * users are taken to it, rather than left at the button that opened it further down.
 */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}
