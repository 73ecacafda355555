import { Presets, SingleBar } from 'cli-progress';
import type { Progress } from '../backup/progress.js';

/**
 * The progress of archive work, drawn on stderr so stdout stays the command's report. cli-progress because it
 * redraws at a bounded rate (a call per document costs nothing), shows rate and ETA, and draws nothing when
 * stderr is not a terminal (cron, CI logs), where a bar would only be noise.
 */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): Progress {
  let bar: SingleBar | undefined;
  return {
    start(label, total) {
      bar = new SingleBar(
        { stream, format: `${label.padEnd(9)} [{bar}] {percentage}% | {value}/{total} documents | ETA {eta_formatted}`, hideCursor: true, fps: 10, etaBuffer: 2000 },
        Presets.shades_classic,
      );
      bar.start(Math.max(total, 1), 0);
    },
    advance(count) {
      bar?.increment(count);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
