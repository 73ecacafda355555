/** How long-running archive work reports how far it is; the CLI draws a bar, tests and the API pass none. */
export interface Progress {
  start(label: string, total: number): void;
  advance(count: number): void;
  stop(): void;
}

export const NO_PROGRESS: Progress = { start: () => undefined, advance: () => undefined, stop: () => undefined };
